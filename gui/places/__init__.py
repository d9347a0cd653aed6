"""Places beside the image table: Estiba's store, registries and the engines (Podman, Docker).

place.py holds the Place interface; store_place.py, registry_place.py and engine_place.py one kind each;
places_model.py and places_panel.py the list; registry_view.py and tag_actions.py a registry's contents;
mirror_jobs.py the mirror job with one row per image.
"""

from gui.places.place import Place
from gui.places.places_panel import PlacesPanel

__all__ = ["Place", "PlacesPanel"]
