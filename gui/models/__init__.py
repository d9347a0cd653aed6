"""Qt item models over the store's images and over the transfer jobs."""
