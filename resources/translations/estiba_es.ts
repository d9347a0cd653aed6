<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_ES">
<context>
    <name>AboutDialog</name>
    <message>
        <source>About Estiba</source>
        <translation>Acerca de Estiba</translation>
    </message>
    <message>
        <source>Moves container images between docker-archive, oci-archive, OCI layouts, dir: and registries, the way podman save, load, push, pull and tag do.</source>
        <translation>Mueve imágenes de contenedor entre docker-archive, oci-archive, OCI layout, dir: y registros, como hacen podman save, load, push, pull y tag.</translation>
    </message>
    <message>
        <source>Version:</source>
        <translation>Versión:</translation>
    </message>
    <message>
        <source>Image store:</source>
        <translation>Almacén de imágenes:</translation>
    </message>
    <message>
        <source>Engine:</source>
        <translation>Motor:</translation>
    </message>
    <message>
        <source>Qt:</source>
        <translation>Qt:</translation>
    </message>
    <message>
        <source>Qt {qt}, PySide6 {pyside}, Python {python}</source>
        <translation>Qt {qt}, PySide6 {pyside}, Python {python}</translation>
    </message>
    <message>
        <source>Licence:</source>
        <translation>Licencia:</translation>
    </message>
</context>
<context>
    <name>Actions</name>
    <message>
        <source>&amp;Load…</source>
        <translation>&amp;Cargar…</translation>
    </message>
    <message>
        <source>Load image archives into the store (Ctrl+O)</source>
        <translation>Cargar archivos de imagen en el almacén local (Ctrl+O)</translation>
    </message>
    <message>
        <source>Load &amp;Directory…</source>
        <translation>Cargar &amp;directorio…</translation>
    </message>
    <message>
        <source>Load an OCI layout or dir: directory</source>
        <translation>Cargar un directorio OCI layout o dir:</translation>
    </message>
    <message>
        <source>&amp;Pull…</source>
        <translation>Descar&amp;gar (pull)…</translation>
    </message>
    <message>
        <source>Pull an image from a registry or a file (Ctrl+P)</source>
        <translation>Descargar una imagen de un registro o de un archivo (Ctrl+P)</translation>
    </message>
    <message>
        <source>Log &amp;In…</source>
        <translation>&amp;Iniciar sesión…</translation>
    </message>
    <message>
        <source>Log in to a registry (Ctrl+L)</source>
        <translation>Iniciar sesión en un registro (Ctrl+L)</translation>
    </message>
    <message>
        <source>&amp;Browse Registry…</source>
        <translation>&amp;Explorar un registro…</translation>
    </message>
    <message>
        <source>See a registry&apos;s repositories and tags (Ctrl+Shift+B)</source>
        <translation>Ver los repositorios y etiquetas de un registro (Ctrl+Mayús+B)</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>Actuali&amp;zar</translation>
    </message>
    <message>
        <source>Reload the image list (F5)</source>
        <translation>Volver a leer la lista de imágenes (F5)</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Preferencias…</translation>
    </message>
    <message>
        <source>Store location, parallel transfers, defaults</source>
        <translation>Ubicación del almacén, transferencias en paralelo, valores predeterminados</translation>
    </message>
    <message>
        <source>&amp;Filter</source>
        <translation>&amp;Filtrar</translation>
    </message>
    <message>
        <source>Filter the image list (Ctrl+F)</source>
        <translation>Filtrar la lista de imágenes (Ctrl+F)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Salir</translation>
    </message>
    <message>
        <source>&amp;About Estiba</source>
        <translation>&amp;Acerca de Estiba</translation>
    </message>
    <message>
        <source>&amp;Free Disk Space</source>
        <translation>&amp;Liberar espacio en disco</translation>
    </message>
    <message>
        <source>Delete the layers and other files that no image in the store uses any more</source>
        <translation>Eliminar las capas y otros archivos que ya no usa ninguna imagen del almacén local</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>&amp;Guardar (save)…</translation>
    </message>
    <message>
        <source>Export the selected images in the default format (Ctrl+E)</source>
        <translation>Guardar las imágenes seleccionadas en el formato predeterminado (Ctrl+E)</translation>
    </message>
    <message>
        <source>P&amp;ush to Registry…</source>
        <translation>S&amp;ubir al registro (push)…</translation>
    </message>
    <message>
        <source>&amp;Tag…</source>
        <translation>&amp;Etiquetar…</translation>
    </message>
    <message>
        <source>&amp;Inspect</source>
        <translation>I&amp;nspeccionar</translation>
    </message>
    <message>
        <source>&amp;Copy Image ID</source>
        <translation>Copiar el &amp;ID de la imagen</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>E&amp;liminar</translation>
    </message>
    <message>
        <source>Remove the selected images (Del)</source>
        <translation>Eliminar las imágenes seleccionadas (Supr)</translation>
    </message>
</context>
<context>
    <name>Counts</name>
    <message numerus="yes">
        <source>%n image(s)</source>
        <translation>
            <numerusform>%n imagen</numerusform>
            <numerusform>%n imágenes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Export %n images to one</source>
        <translation>
            <numerusform>Guardar %n imagen en uno</numerusform>
            <numerusform>Guardar %n imágenes en uno</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Remove %n image(s)</source>
        <translation>
            <numerusform>Eliminar %n imagen</numerusform>
            <numerusform>Eliminar %n imágenes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n of %1 images failed (first: %2: %3)</source>
        <translation>
            <numerusform>Ha fallado %n de %1 imágenes (la primera: %2: %3)</numerusform>
            <numerusform>Han fallado %n de %1 imágenes (la primera: %2: %3)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n year(s) ago</source>
        <translation>
            <numerusform>hace %n año</numerusform>
            <numerusform>hace %n años</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n month(s) ago</source>
        <translation>
            <numerusform>hace %n mes</numerusform>
            <numerusform>hace %n meses</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n week(s) ago</source>
        <translation>
            <numerusform>hace %n semana</numerusform>
            <numerusform>hace %n semanas</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n day(s) ago</source>
        <translation>
            <numerusform>hace %n día</numerusform>
            <numerusform>hace %n días</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n hour(s) ago</source>
        <translation>
            <numerusform>hace %n hora</numerusform>
            <numerusform>hace %n horas</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n minute(s) ago</source>
        <translation>
            <numerusform>hace %n minuto</numerusform>
            <numerusform>hace %n minutos</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DropHint</name>
    <message>
        <source>No images yet</source>
        <translation>Todavía no hay imágenes</translation>
    </message>
    <message>
        <source>Drop image archives here to load them: docker-archive and oci-archive tars, compressed or not,
and image directories (OCI layout or dir:). Or load a file, or pull from a registry.</source>
        <translation>Suelta aquí archivos de imagen para cargarlos: tar docker-archive y oci-archive, comprimidos o no,
y directorios de imagen (OCI layout o dir:). O carga un archivo, o descarga de un registro.</translation>
    </message>
    <message>
        <source>Load…</source>
        <translation>Cargar…</translation>
    </message>
    <message>
        <source>Pull…</source>
        <translation>Descargar…</translation>
    </message>
</context>
<context>
    <name>DropOverlay</name>
    <message numerus="yes">
        <source>Drop to load %n item(s)</source>
        <translation>
            <numerusform>Suelta para cargar %n elemento</numerusform>
            <numerusform>Suelta para cargar %n elementos</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>EngineBackend</name>
    <message numerus="yes">
        <source>Loading %n item(s)…</source>
        <translation>
            <numerusform>Cargando %n elemento…</numerusform>
            <numerusform>Cargando %n elementos…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>EngineCommands</name>
    <message>
        <source>Exporting {what} as {format} to {path}</source>
        <translation>Guardando {what} como {format} en {path}</translation>
    </message>
    <message>
        <source>Tagged as {names}</source>
        <translation>Etiquetada como {names}</translation>
    </message>
    <message numerus="yes">
        <source>%n image(s)</source>
        <translation>
            <numerusform>%n imagen</numerusform>
            <numerusform>%n imágenes</numerusform>
        </translation>
    </message>
    <message>
        <source>A Docker directory holds one image: export several as a Docker archive, an OCI archive or an OCI directory.</source>
        <translation>Un directorio Docker guarda una sola imagen: guarda varias como archivo Docker, archivo OCI o directorio OCI.</translation>
    </message>
    <message>
        <source>Remove images</source>
        <translation>Eliminar imágenes</translation>
    </message>
    <message>
        <source>Remove {what} from {engine}?</source>
        <translation>¿Eliminar {what} de {engine}?</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Eliminar</translation>
    </message>
    <message>
        <source>Removed {what} from {engine}</source>
        <translation>Eliminado de {engine}: {what}</translation>
    </message>
</context>
<context>
    <name>EngineJobs</name>
    <message>
        <source>Estiba&apos;s store</source>
        <translation>Almacén local de Estiba</translation>
    </message>
    <message>
        <source>Loading {name} into {engine}</source>
        <translation>Cargando {name} en {engine}</translation>
    </message>
    <message>
        <source>Load {path} into {engine}</source>
        <translation>Cargar {path} en {engine}</translation>
    </message>
    <message>
        <source>Exporting {what} from {engine} as {format}</source>
        <translation>Guardando {what} de {engine} como {format}</translation>
    </message>
    <message>
        <source>Export {image} from {engine} to {path} ({format})</source>
        <translation>Guardar {image} de {engine} en {path} ({format})</translation>
    </message>
    <message>
        <source>Copying {image} from {source} to {target}</source>
        <translation>Copiando {image} de {source} a {target}</translation>
    </message>
</context>
<context>
    <name>EngineMenu</name>
    <message>
        <source>Estiba&apos;s Store</source>
        <translation>Almacén local de Estiba</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Guardar (save)</translation>
    </message>
    <message>
        <source>Push to Registry…</source>
        <translation>Subir al registro (push)…</translation>
    </message>
    <message>
        <source>Copy To</source>
        <translation>Copiar a</translation>
    </message>
    <message>
        <source>Tag…</source>
        <translation>Etiquetar…</translation>
    </message>
    <message>
        <source>Copy Image ID</source>
        <translation>Copiar el ID de la imagen</translation>
    </message>
    <message>
        <source>Copy Name</source>
        <translation>Copiar el nombre</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Eliminar</translation>
    </message>
</context>
<context>
    <name>EnginePlace</name>
    <message>
        <source>Podman</source>
        <translation>Podman</translation>
    </message>
    <message>
        <source>Docker</source>
        <translation>Docker</translation>
    </message>
    <message>
        <source>not available yet</source>
        <translation>aún no disponible</translation>
    </message>
    <message>
        <source>Estiba cannot show %1&apos;s images yet.</source>
        <translation>Estiba todavía no puede mostrar las imágenes de %1.</translation>
    </message>
</context>
<context>
    <name>EngineStates</name>
    <message>
        <source>checking…</source>
        <translation>comprobando…</translation>
    </message>
    <message>
        <source>not installed</source>
        <translation>no instalado</translation>
    </message>
    <message>
        <source>socket not readable</source>
        <translation>socket no legible</translation>
    </message>
    <message>
        <source>not running</source>
        <translation>no está en marcha</translation>
    </message>
    <message>
        <source>{engine} {version} is running.</source>
        <translation>{engine} {version} está en marcha.</translation>
    </message>
    <message>
        <source>{engine} is not installed.</source>
        <translation>{engine} no está instalado.</translation>
    </message>
    <message>
        <source>{engine}&apos;s socket {socket} is not readable by you.</source>
        <translation>No tienes permiso de lectura sobre el socket {socket} de {engine}.</translation>
    </message>
    <message>
        <source>{engine} is installed but not running.</source>
        <translation>{engine} está instalado, pero no está en marcha.</translation>
    </message>
    <message>
        <source>Asking {engine}…</source>
        <translation>Preguntando a {engine}…</translation>
    </message>
    <message>
        <source>Start Podman&apos;s Service</source>
        <translation>Iniciar el servicio de Podman</translation>
    </message>
    <message>
        <source>Starting Podman&apos;s service…</source>
        <translation>Iniciando el servicio de Podman…</translation>
    </message>
    <message>
        <source>Estiba&apos;s store</source>
        <translation type="vanished">Almacén local de Estiba</translation>
    </message>
    <message>
        <source>Start Podman&apos;s service</source>
        <translation type="vanished">Iniciar el servicio de Podman</translation>
    </message>
    <message>
        <source>{engine} (not available)</source>
        <translation type="vanished">{engine} (no disponible)</translation>
    </message>
</context>
<context>
    <name>ErrorText</name>
    <message>
        <source>{image}: there is no such image in the local store</source>
        <translation>{image}: esa imagen no está en el almacén local</translation>
    </message>
    <message>
        <source>unauthorized: wrong user name or password for {registry}</source>
        <translation>sin autorización: usuario o contraseña incorrectos para {registry}</translation>
    </message>
    <message>
        <source>{image}: the registry has no such image or tag</source>
        <translation>{image}: el registro no tiene esa imagen o etiqueta</translation>
    </message>
    <message>
        <source>{path}: no such file or directory</source>
        <translation>{path}: no existe el archivo o directorio</translation>
    </message>
    <message>
        <source>{path}: permission denied</source>
        <translation>{path}: permiso denegado</translation>
    </message>
    <message>
        <source>{path}: no space left on the disk</source>
        <translation>{path}: no queda espacio en el disco</translation>
    </message>
    <message>
        <source>cancelled; nothing was changed</source>
        <translation>cancelado; no se ha cambiado nada</translation>
    </message>
    <message>
        <source>Estiba hit an internal error ({detail}); the details pane of the transfer has more.</source>
        <translation type="vanished">Estiba ha tenido un error interno ({detail}); el panel de detalles de la transferencia tiene más información.</translation>
    </message>
    <message>
        <source>Passwords are stored in your password manager ({name}).</source>
        <translation>Las contraseñas se guardan en tu gestor de contraseñas ({name}).</translation>
    </message>
    <message>
        <source>No usable keyring ({reason}): logins can only be saved to an auth.json file, in plain base64.</source>
        <translation>No hay un depósito de claves utilizable ({reason}): las sesiones solo pueden guardarse en un archivo auth.json, en base64 sin cifrar.</translation>
    </message>
    <message>
        <source>no keyring service is running</source>
        <translation>no hay ningún servicio de depósito de claves en marcha</translation>
    </message>
    <message>
        <source>the null keyring backend stores nothing</source>
        <translation>el depósito de claves nulo no guarda nada</translation>
    </message>
    <message>
        <source>keyring</source>
        <translation>depósito de claves</translation>
    </message>
    <message>
        <source>Docker&apos;s config.json</source>
        <translation>config.json de Docker</translation>
    </message>
</context>
<context>
    <name>Failure</name>
    <message>
        <source>no platform it names</source>
        <translation>ninguna plataforma indicada</translation>
    </message>
    <message>
        <source>{what} has no image for {want}; it has {offered}. Choose one of those platforms, or All platforms to keep the whole image.</source>
        <translation>{what} no tiene ninguna imagen para {want}; tiene {offered}. Elige una de esas plataformas, o Todas las plataformas para conservar la imagen completa.</translation>
    </message>
    <message>
        <source>this part of Estiba is not installed (it needs {module})</source>
        <translation>esta parte de Estiba no está instalada (necesita {module})</translation>
    </message>
    <message>
        <source>not enough memory for this; nothing was changed</source>
        <translation>no hay memoria suficiente para esto; no se ha cambiado nada</translation>
    </message>
    <message>
        <source>an unexpected problem inside Estiba stopped this (the details have a report for the developers)</source>
        <translation>Estiba ha tenido un error interno que lo ha detenido (los detalles incluyen un informe para los desarrolladores)</translation>
    </message>
</context>
<context>
    <name>Files</name>
    <message>
        <source>Image archives ({patterns});;All files (*)</source>
        <translation>Archivos de imagen ({patterns});;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>Load images</source>
        <translation>Cargar imágenes</translation>
    </message>
    <message>
        <source>Load an image directory (OCI layout or dir:)</source>
        <translation>Cargar un directorio de imagen (OCI layout o dir:)</translation>
    </message>
    <message>
        <source>Export as {format} (a new directory)</source>
        <translation>Guardar como {format} (un directorio nuevo)</translation>
    </message>
    <message>
        <source>Directories (*)</source>
        <translation>Directorios (*)</translation>
    </message>
    <message>
        <source>Export as {format}</source>
        <translation>Guardar como {format}</translation>
    </message>
    <message>
        <source>Tar archives (*.tar);;All files (*)</source>
        <translation>Archivos tar (*.tar);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>Choose the image directory</source>
        <translation>Elige el directorio de la imagen</translation>
    </message>
    <message>
        <source>Choose the image archive</source>
        <translation>Elige el archivo de la imagen</translation>
    </message>
    <message>
        <source>Choose the image store directory</source>
        <translation>Elige el directorio del almacén de imágenes</translation>
    </message>
</context>
<context>
    <name>Formats</name>
    <message>
        <source>Docker archive</source>
        <translation>Archivo Docker (docker-archive)</translation>
    </message>
    <message>
        <source>OCI archive</source>
        <translation>Archivo OCI (oci-archive)</translation>
    </message>
    <message>
        <source>Docker directory</source>
        <translation>Directorio Docker (dir:)</translation>
    </message>
    <message>
        <source>OCI directory</source>
        <translation>Directorio OCI (oci:)</translation>
    </message>
</context>
<context>
    <name>Hints</name>
    <message>
        <source>Choose one of them in the Platform list.</source>
        <translation>Elige una de ellas en la lista Plataforma.</translation>
    </message>
    <message>
        <source>Choose one platform instead of All platforms.</source>
        <translation>Elige una plataforma en lugar de Todas las plataformas.</translation>
    </message>
    <message>
        <source>Add the name of the image to take after the path (PATH:NAME, or PATH:@N for the N-th).</source>
        <translation>Añade tras la ruta el nombre de la imagen que tomar (RUTA:NOMBRE, o RUTA:@N para la N-ésima).</translation>
    </message>
    <message>
        <source>Put its CA certificate in /etc/containers/certs.d/{host}/ca.crt, or untick “Verify the registry&apos;s TLS certificate”.</source>
        <translation>Pon su certificado de CA en /etc/containers/certs.d/{host}/ca.crt, o desmarca «Verificar el certificado TLS del registro».</translation>
    </message>
    <message>
        <source>For a plain-HTTP registry, untick “Verify the registry&apos;s TLS certificate”.</source>
        <translation>Para un registro con HTTP sin cifrar, desmarca «Verificar el certificado TLS del registro».</translation>
    </message>
    <message>
        <source>Log in to {registry} first (Log In… in the toolbar).</source>
        <translation>Inicia sesión antes en {registry} (Iniciar sesión… en la barra de herramientas).</translation>
    </message>
    <message>
        <source>Start a Secret Service such as gnome-keyring, or tick “Save this login in podman&apos;s auth.json instead”.</source>
        <translation>Inicia un Secret Service como gnome-keyring, o marca «Guardar esta sesión en el auth.json de podman».</translation>
    </message>
    <message>
        <source>Log out with Docker: docker logout {registry}.</source>
        <translation>Cierra la sesión con Docker: docker logout {registry}.</translation>
    </message>
    <message>
        <source>It is kept in {path}; log out with “Save this login in podman&apos;s auth.json instead” ticked.</source>
        <translation>Está guardada en {path}; cierra la sesión con «Guardar esta sesión en el auth.json de podman» marcado.</translation>
    </message>
    <message>
        <source>Choose a registry to log out of.</source>
        <translation>Elige el registro en el que cerrar sesión.</translation>
    </message>
    <message>
        <source>The store may be damaged: run a check of the store (estiba check).</source>
        <translation>El almacén local puede estar dañado: compruébalo (estiba check).</translation>
    </message>
    <message>
        <source>Choose another image store in Settings.</source>
        <translation>Elige otro almacén de imágenes en Preferencias.</translation>
    </message>
    <message>
        <source>Remove it from the image list to remove it with all its names.</source>
        <translation>Elimínala desde la lista de imágenes para eliminarla con todos sus nombres.</translation>
    </message>
    <message>
        <source>It is not in the image list.</source>
        <translation>No está en la lista de imágenes.</translation>
    </message>
    <message>
        <source>Choose “As stored” compression for this format.</source>
        <translation>Elige la compresión «Tal como está guardada» para este formato.</translation>
    </message>
    <message>
        <source>Try again (Retry in the transfers list).</source>
        <translation>Inténtalo de nuevo (Reintentar en la lista de transferencias).</translation>
    </message>
    <message>
        <source>Install Podman to see its images here.</source>
        <translation>Instala Podman para ver aquí sus imágenes.</translation>
    </message>
    <message>
        <source>Install Docker to see its images here.</source>
        <translation>Instala Docker para ver aquí sus imágenes.</translation>
    </message>
    <message>
        <source>Start Podman&apos;s service (Start in the Places list), then try again.</source>
        <translation>Inicia el servicio de Podman («Iniciar el servicio de Podman» en la lista de lugares) y vuelve a intentarlo.</translation>
    </message>
    <message>
        <source>Start Docker&apos;s service (sudo systemctl start docker), then try again.</source>
        <translation>Inicia el servicio de Docker (sudo systemctl start docker) y vuelve a intentarlo.</translation>
    </message>
    <message>
        <source>Use your own rootless Podman instead of another user&apos;s.</source>
        <translation>Usa tu propio Podman sin root (rootless) en lugar del de otro usuario.</translation>
    </message>
    <message>
        <source>Join the docker group (then log out and in again), or use rootless Docker.</source>
        <translation>Únete al grupo docker (después cierra la sesión y vuelve a entrar), o usa Docker sin root (rootless).</translation>
    </message>
    <message>
        <source>It is not in Podman&apos;s image list.</source>
        <translation>No está en la lista de imágenes de Podman.</translation>
    </message>
    <message>
        <source>It is not in Docker&apos;s image list.</source>
        <translation>No está en la lista de imágenes de Docker.</translation>
    </message>
    <message>
        <source>Check that the engine still runs, then use Retry in the transfers list.</source>
        <translation>Comprueba que el motor sigue en marcha y usa Reintentar en la lista de transferencias.</translation>
    </message>
</context>
<context>
    <name>Humanize</name>
    <message>
        <source>{size}/s</source>
        <translation>{size}/s</translation>
    </message>
    <message>
        <source>{s} s</source>
        <translation>{s} s</translation>
    </message>
    <message>
        <source>{m} min {s} s</source>
        <translation>{m} min {s} s</translation>
    </message>
    <message>
        <source>{m} min</source>
        <translation>{m} min</translation>
    </message>
    <message>
        <source>{h} h {m} min</source>
        <translation>{h} h {m} min</translation>
    </message>
    <message>
        <source>{h} h</source>
        <translation>{h} h</translation>
    </message>
    <message>
        <source>{d} d {h} h</source>
        <translation>{d} d {h} h</translation>
    </message>
    <message>
        <source>{d} d</source>
        <translation>{d} d</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>desconocida</translation>
    </message>
    <message>
        <source>in the future</source>
        <translation>en el futuro</translation>
    </message>
    <message>
        <source>just now</source>
        <translation>ahora mismo</translation>
    </message>
    <message>
        <source>The image does not say when it was created</source>
        <translation>La imagen no dice cuándo se creó</translation>
    </message>
</context>
<context>
    <name>ImageCommands</name>
    <message>
        <source>A Docker directory holds one image: export several as a Docker archive, an OCI archive or an OCI directory.</source>
        <translation>Un directorio Docker guarda una sola imagen: guarda varias como archivo Docker, archivo OCI o directorio OCI.</translation>
    </message>
    <message numerus="yes">
        <source>%n image(s)</source>
        <translation>
            <numerusform>%n imagen</numerusform>
            <numerusform>%n imágenes</numerusform>
        </translation>
    </message>
    <message>
        <source>Exporting {what} as {format} to {path}</source>
        <translation>Guardando {what} como {format} en {path}</translation>
    </message>
    <message>
        <source>Tagged as {names}</source>
        <translation>Etiquetada como {names}</translation>
    </message>
    <message>
        <source>Remove images</source>
        <translation>Eliminar imágenes</translation>
    </message>
    <message>
        <source>Remove {what} from the store?</source>
        <translation>¿Eliminar {what} del almacén local?</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Eliminar</translation>
    </message>
    <message>
        <source>Removed {what}; {size} freed</source>
        <translation>Eliminada {what}; liberados {size}</translation>
    </message>
    <message>
        <source>Removed {what}</source>
        <translation>Eliminado: {what}</translation>
    </message>
    <message>
        <source>Freeing disk space…</source>
        <translation>Liberando espacio en disco…</translation>
    </message>
    <message>
        <source>Freed {size}: removed {count} unused file(s) from the store</source>
        <translation>Liberados {size}: archivos sin uso eliminados del almacén local: {count}</translation>
    </message>
    <message>
        <source>Nothing to free: every file in the store belongs to an image</source>
        <translation>Nada que liberar: cada archivo del almacén local pertenece a una imagen</translation>
    </message>
    <message>
        <source>Could not free disk space: {why}</source>
        <translation>No se ha podido liberar espacio en disco: {why}</translation>
    </message>
    <message>
        <source>Copied the image ID</source>
        <translation>ID de la imagen copiado</translation>
    </message>
    <message numerus="yes">
        <source>Copied %n image ID(s)</source>
        <translation>
            <numerusform>%n ID de imagen copiado</numerusform>
            <numerusform>%n ID de imagen copiados</numerusform>
        </translation>
    </message>
    <message>
        <source>Copied the name</source>
        <translation>Nombre copiado</translation>
    </message>
    <message numerus="yes">
        <source>Copied %n name(s)</source>
        <translation>
            <numerusform>%n nombre copiado</numerusform>
            <numerusform>%n nombres copiados</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ImageMenu</name>
    <message>
        <source>Export</source>
        <translation>Guardar (save)</translation>
    </message>
    <message>
        <source>A Docker directory holds one image</source>
        <translation>Un directorio Docker guarda una sola imagen</translation>
    </message>
    <message>
        <source>Push to registry…</source>
        <translation>Subir al registro (push)…</translation>
    </message>
    <message>
        <source>Copy To</source>
        <translation>Copiar a</translation>
    </message>
    <message>
        <source>Tag…</source>
        <translation>Etiquetar…</translation>
    </message>
    <message>
        <source>Inspect</source>
        <translation>Inspeccionar</translation>
    </message>
    <message>
        <source>Copy image ID</source>
        <translation>Copiar el ID de la imagen</translation>
    </message>
    <message>
        <source>Copy image IDs</source>
        <translation>Copiar los ID de las imágenes</translation>
    </message>
    <message>
        <source>Copy name</source>
        <translation>Copiar el nombre</translation>
    </message>
    <message>
        <source>Copy names</source>
        <translation>Copiar los nombres</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Eliminar</translation>
    </message>
</context>
<context>
    <name>ImageTableModel</name>
    <message>
        <source>Repository</source>
        <translation>Repositorio</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>Etiqueta</translation>
    </message>
    <message>
        <source>Image ID</source>
        <translation>ID de imagen</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Creada</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Tamaño</translation>
    </message>
    <message>
        <source>Platform</source>
        <translation>Plataforma</translation>
    </message>
    <message>
        <source>{count} bytes</source>
        <translation>{count} bytes</translation>
    </message>
    <message>
        <source>This image has no name: right-click → Tag… to give it one</source>
        <translation>Esta imagen no tiene nombre: clic derecho → Etiquetar… para darle uno</translation>
    </message>
</context>
<context>
    <name>InspectDialog</name>
    <message>
        <source>Inspect {image}</source>
        <translation>Inspeccionar {image}</translation>
    </message>
    <message>
        <source>Reading the image…</source>
        <translation>Leyendo la imagen…</translation>
    </message>
    <message>
        <source>Digest</source>
        <translation>Digest</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Tamaño</translation>
    </message>
    <message>
        <source>Media type</source>
        <translation>Tipo de medio</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Creada</translation>
    </message>
    <message>
        <source>Created by</source>
        <translation>Creada por</translation>
    </message>
    <message>
        <source>Empty layer</source>
        <translation>Capa vacía</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>Comentario</translation>
    </message>
    <message>
        <source>Setting</source>
        <translation>Ajuste</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Valor</translation>
    </message>
    <message>
        <source>Platform</source>
        <translation>Plataforma</translation>
    </message>
    <message>
        <source>Manifest digest</source>
        <translation>Digest del manifiesto</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>Resumen</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>Capas</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Historial</translation>
    </message>
    <message>
        <source>Config</source>
        <translation>Configuración</translation>
    </message>
    <message>
        <source>Platforms</source>
        <translation>Plataformas</translation>
    </message>
    <message>
        <source>Manifest JSON</source>
        <translation>JSON del manifiesto</translation>
    </message>
    <message>
        <source>Config JSON</source>
        <translation>JSON de la configuración</translation>
    </message>
    <message>
        <source>Image ID:</source>
        <translation>ID de imagen:</translation>
    </message>
    <message>
        <source>Names:</source>
        <translation>Nombres:</translation>
    </message>
    <message>
        <source>Manifest digest:</source>
        <translation>Digest del manifiesto:</translation>
    </message>
    <message>
        <source>Media type:</source>
        <translation>Tipo de medio:</translation>
    </message>
    <message>
        <source>Created:</source>
        <translation>Creada:</translation>
    </message>
    <message>
        <source>Size:</source>
        <translation>Tamaño:</translation>
    </message>
    <message>
        <source>{size} ({count} bytes)</source>
        <translation>{size} ({count} bytes)</translation>
    </message>
    <message>
        <source>Platform:</source>
        <translation>Plataforma:</translation>
    </message>
    <message>
        <source>Layers:</source>
        <translation>Capas:</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>sí</translation>
    </message>
    <message>
        <source>manifest for {platform}</source>
        <translation>manifiesto para {platform}</translation>
    </message>
    <message>
        <source>Entrypoint</source>
        <translation>Punto de entrada</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>Orden</translation>
    </message>
    <message>
        <source>Working directory</source>
        <translation>Directorio de trabajo</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Usuario</translation>
    </message>
    <message>
        <source>Stop signal</source>
        <translation>Señal de parada</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>Entorno</translation>
    </message>
    <message>
        <source>Exposed port</source>
        <translation>Puerto expuesto</translation>
    </message>
    <message>
        <source>Volume</source>
        <translation>Volumen</translation>
    </message>
    <message>
        <source>Label {key}</source>
        <translation>Etiqueta OCI {key}</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Log in to a registry</source>
        <translation>Iniciar sesión en un registro</translation>
    </message>
    <message>
        <source>password or access token</source>
        <translation>contraseña o token de acceso</translation>
    </message>
    <message>
        <source>Verify the registry&apos;s TLS certificate</source>
        <translation>Verificar el certificado TLS del registro</translation>
    </message>
    <message>
        <source>Turn off only for a registry of your own with a self-signed certificate or plain HTTP. Loopback addresses may use plain HTTP anyway.</source>
        <translation>Desactívalo solo para un registro propio con certificado autofirmado o HTTP sin cifrar. Las direcciones locales (loopback) pueden usar HTTP de todos modos.</translation>
    </message>
    <message>
        <source>Checking the keyring…</source>
        <translation>Comprobando el depósito de claves…</translation>
    </message>
    <message>
        <source>Save this login in podman&apos;s auth.json instead</source>
        <translation>Guardar esta sesión en el auth.json de podman</translation>
    </message>
    <message>
        <source>auth.json keeps the password in plain base64: anyone who can read the file can use your account. podman and skopeo read it too.</source>
        <translation>auth.json guarda la contraseña en base64 sin cifrar: quien pueda leer el archivo puede usar tu cuenta. podman y skopeo también lo leen.</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>Iniciar sesión</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Cerrar</translation>
    </message>
    <message>
        <source>Registry</source>
        <translation>Registro</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Usuario</translation>
    </message>
    <message>
        <source>Stored in</source>
        <translation>Guardada en</translation>
    </message>
    <message>
        <source>&amp;Registry:</source>
        <translation>&amp;Registro:</translation>
    </message>
    <message>
        <source>&amp;User name:</source>
        <translation>&amp;Usuario:</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Contraseña:</translation>
    </message>
    <message>
        <source>Logged in to</source>
        <translation>Sesiones iniciadas en</translation>
    </message>
    <message>
        <source>the registry</source>
        <translation>el registro</translation>
    </message>
    <message>
        <source>the user name</source>
        <translation>el usuario</translation>
    </message>
    <message>
        <source>the password or token</source>
        <translation>la contraseña o el token</translation>
    </message>
    <message>
        <source>Give {what}.</source>
        <translation>Indica {what}.</translation>
    </message>
    <message>
        <source> and </source>
        <translation> y </translation>
    </message>
    <message>
        <source>Checking the login with {registry}…</source>
        <translation>Comprobando el inicio de sesión con {registry}…</translation>
    </message>
    <message>
        <source>Logged in to {registry} as {user} (saved in {path}).</source>
        <translation>Sesión iniciada en {registry} como {user} (guardada en {path}).</translation>
    </message>
    <message>
        <source>Logged in to {registry} as {user} (saved in your keyring).</source>
        <translation>Sesión iniciada en {registry} como {user} (guardada en tu depósito de claves).</translation>
    </message>
    <message>
        <source>Log out</source>
        <translation>Cerrar sesión</translation>
    </message>
    <message>
        <source>Docker&apos;s login: remove it with docker logout</source>
        <translation>Sesión de Docker: ciérrala con docker logout</translation>
    </message>
    <message>
        <source>Logging out of {registry}…</source>
        <translation>Cerrando la sesión en {registry}…</translation>
    </message>
    <message>
        <source>Logged out of {registry}.</source>
        <translation>Sesión cerrada en {registry}.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Filter images (Ctrl+F)</source>
        <translation>Filtrar imágenes (Ctrl+F)</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Principal</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Archivo</translation>
    </message>
    <message>
        <source>&amp;Image</source>
        <translation>&amp;Imagen</translation>
    </message>
    <message>
        <source>&amp;Registry</source>
        <translation>&amp;Registro</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ver</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>Ay&amp;uda</translation>
    </message>
    <message>
        <source>Cannot read the image store: {error}</source>
        <translation>No se puede leer el almacén de imágenes: {error}</translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) · {store}</source>
        <translation>
            <numerusform>%n imagen · {store}</numerusform>
            <numerusform>%n imágenes · {store}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Loading %n item(s)…</source>
        <translation>
            <numerusform>Cargando %n elemento…</numerusform>
            <numerusform>Cargando %n elementos…</numerusform>
        </translation>
    </message>
    <message>
        <source>{title} failed: {error}</source>
        <translation>{title} ha fallado: {error}</translation>
    </message>
    <message>
        <source>{title}: cancelled; nothing was changed</source>
        <translation>{title}: cancelado; no se ha cambiado nada</translation>
    </message>
    <message numerus="yes">
        <source> and %n more</source>
        <translation type="vanished">
            <numerusform> y %n más</numerusform>
            <numerusform> y %n más</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unnamed image(s)</source>
        <translation type="vanished">
            <numerusform>%n imagen sin nombre</numerusform>
            <numerusform>%n imágenes sin nombre</numerusform>
        </translation>
    </message>
    <message>
        <source>Loaded {what}</source>
        <translation>Cargado: {what}</translation>
    </message>
    <message>
        <source>Pulled {what}</source>
        <translation>Descargado: {what}</translation>
    </message>
    <message>
        <source>{title}: done</source>
        <translation>{title}: hecho</translation>
    </message>
    <message>
        <source>Not loaded: {error}</source>
        <translation>No se ha cargado: {error}</translation>
    </message>
    <message>
        <source>Already in progress: {title}</source>
        <translation>Ya está en curso: {title}</translation>
    </message>
    <message>
        <source>%n transfer(s)</source>
        <translation type="vanished">%n transferencia</translation>
    </message>
    <message>
        <source>Login for {registry} changed</source>
        <translation>La sesión de {registry} ha cambiado</translation>
    </message>
    <message>
        <source>The new language takes effect when Estiba starts again.</source>
        <translation>El nuevo idioma se aplicará la próxima vez que se inicie Estiba.</translation>
    </message>
    <message>
        <source>Settings saved</source>
        <translation>Preferencias guardadas</translation>
    </message>
</context>
<context>
    <name>MessageBar</name>
    <message>
        <source>Dismiss</source>
        <translation>Descartar</translation>
    </message>
</context>
<context>
    <name>MirrorActions</name>
    <message>
        <source>Mirror Repository…</source>
        <translation>Replicar el repositorio…</translation>
    </message>
    <message>
        <source>Mirror Selected…</source>
        <translation>Replicar la selección…</translation>
    </message>
    <message>
        <source>The selected repositories: the tags selected in them, every tag of those where none is selected</source>
        <translation>Los repositorios seleccionados: las etiquetas seleccionadas en ellos, y todas las etiquetas de aquellos en los que no se seleccionó ninguna</translation>
    </message>
    <message numerus="yes">
        <source>Mirror %n Repositories…</source>
        <translation>
            <numerusform>Replicar %n repositorio…</numerusform>
            <numerusform>Replicar %n repositorios…</numerusform>
        </translation>
    </message>
    <message>
        <source>Mirror a repository</source>
        <translation>Replicar un repositorio</translation>
    </message>
    <message>
        <source>Mirror repositories</source>
        <translation>Replicar repositorios</translation>
    </message>
    <message>
        <source>Every tag of %1 to a registry (HOST/PATH) or a folder (/path):</source>
        <translation>Todas las etiquetas de %1 a un registro (SERVIDOR/RUTA) o a una carpeta (/ruta):</translation>
    </message>
    <message>
        <source>Mirror the selected tags</source>
        <translation>Replicar las etiquetas seleccionadas</translation>
    </message>
    <message>
        <source>%1 to a registry (HOST/PATH) or a folder (/path):</source>
        <translation>%1 a un registro (SERVIDOR/RUTA) o a una carpeta (/ruta):</translation>
    </message>
    <message>
        <source>%1 and %2 would both be mirrored as %3: mirror them one at a time.</source>
        <translation>%1 y %2 se replicarían los dos como %3: replíquelos de uno en uno.</translation>
    </message>
    <message>
        <source>Mirroring %1 (see Transfers)</source>
        <translation>Replicando %1 (ver Transferencias)</translation>
    </message>
</context>
<context>
    <name>MirrorJobs</name>
    <message>
        <source>%1 of %2 images failed (first: %3: %4); Retry copies only those</source>
        <translation>Han fallado %1 de %2 imágenes (la primera: %3: %4); Reintentar copia solo esas</translation>
    </message>
    <message>
        <source>Mirroring %1 to %2</source>
        <translation>Replicando %1 en %2</translation>
    </message>
</context>
<context>
    <name>PasswordEdit</name>
    <message>
        <source>Show password</source>
        <translation>Mostrar la contraseña</translation>
    </message>
    <message>
        <source>Hide password</source>
        <translation>Ocultar la contraseña</translation>
    </message>
</context>
<context>
    <name>PathBox</name>
    <message>
        <source>Where the file is</source>
        <translation>Dónde está el archivo</translation>
    </message>
    <message>
        <source>No file manager could be opened. The export is here:</source>
        <translation>No se ha podido abrir ningún gestor de archivos. Lo guardado está aquí:</translation>
    </message>
    <message>
        <source>&amp;Copy Path</source>
        <translation>&amp;Copiar la ruta</translation>
    </message>
</context>
<context>
    <name>PullDialog</name>
    <message>
        <source>Pull an image</source>
        <translation>Descargar una imagen</translation>
    </message>
    <message>
        <source>quay.io/team/app:1.0, or Browse for a file</source>
        <translation>quay.io/equipo/app:1.0, o Examinar para elegir un archivo</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Examinar…</translation>
    </message>
    <message>
        <source>This computer ({platform})</source>
        <translation>Este equipo ({platform})</translation>
    </message>
    <message>
        <source>All platforms (keep the whole multi-platform image)</source>
        <translation>Todas las plataformas (toda la imagen multiplataforma)</translation>
    </message>
    <message>
        <source>Which image to take from a multi-platform image; os/arch[/variant]</source>
        <translation>Qué imagen tomar de una imagen multiplataforma; os/arch[/variante]</translation>
    </message>
    <message>
        <source>Verify the registry&apos;s TLS certificate</source>
        <translation>Verificar el certificado TLS del registro</translation>
    </message>
    <message>
        <source>Pull</source>
        <translation>Descargar</translation>
    </message>
    <message>
        <source>&amp;Image:</source>
        <translation>&amp;Imagen:</translation>
    </message>
    <message>
        <source>&amp;Platform:</source>
        <translation>&amp;Plataforma:</translation>
    </message>
    <message>
        <source>Give an image to pull, such as quay.io/team/app:1.0, or Browse for a file.</source>
        <translation>Indica una imagen que descargar, como quay.io/equipo/app:1.0, o usa Examinar para elegir un archivo.</translation>
    </message>
    <message>
        <source>“{name}” is not a valid image name: write host/repository:tag (lowercase), or Browse for a file.</source>
        <translation>«{name}» no es un nombre de imagen válido: escribe servidor/repositorio:etiqueta (en minúsculas), o usa Examinar para elegir un archivo.</translation>
    </message>
    <message>
        <source>Several registries may hold “{name}”: pick one of the names listed under it.</source>
        <translation>Varios registros pueden tener «{name}»: elija uno de los nombres que aparecen debajo.</translation>
    </message>
</context>
<context>
    <name>PushDialog</name>
    <message>
        <source>As stored</source>
        <translation>Tal como está guardada</translation>
    </message>
    <message>
        <source>Uncompressed</source>
        <translation>Sin comprimir</translation>
    </message>
    <message>
        <source>Push {image}</source>
        <translation>Subir {image}</translation>
    </message>
    <message>
        <source>A registry name (host/repository:tag), or a transport such as oci-archive:/path/file.tar</source>
        <translation>Un nombre de registro (servidor/repositorio:etiqueta), o un transporte como oci-archive:/ruta/archivo.tar</translation>
    </message>
    <message>
        <source>Verify the registry&apos;s TLS certificate</source>
        <translation>Verificar el certificado TLS del registro</translation>
    </message>
    <message>
        <source>OCI</source>
        <translation>OCI</translation>
    </message>
    <message>
        <source>Docker (v2 schema 2)</source>
        <translation>Docker (v2 schema 2)</translation>
    </message>
    <message>
        <source>The manifest format the registry receives. OCI suits current registries; some older ones and tools accept only Docker&apos;s.</source>
        <translation>El formato del manifiesto que recibe el registro. OCI sirve para los registros actuales; algunos registros y herramientas antiguos solo aceptan el de Docker.</translation>
    </message>
    <message>
        <source>Push</source>
        <translation>Subir</translation>
    </message>
    <message>
        <source>Image:</source>
        <translation>Imagen:</translation>
    </message>
    <message>
        <source>&amp;Destination:</source>
        <translation>&amp;Destino:</translation>
    </message>
    <message>
        <source>&amp;Compression:</source>
        <translation>&amp;Compresión:</translation>
    </message>
    <message>
        <source>Manifest &amp;format:</source>
        <translation>&amp;Formato del manifiesto:</translation>
    </message>
    <message>
        <source>Checking the login for {registry}…</source>
        <translation>Comprobando la sesión en {registry}…</translation>
    </message>
    <message>
        <source>Logged in to {registry} as &lt;b&gt;{user}&lt;/b&gt;{where}. &lt;a href=&apos;{link}&apos;&gt;Log in as someone else…&lt;/a&gt;</source>
        <translation>Sesión iniciada en {registry} como &lt;b&gt;{user}&lt;/b&gt;{where}. &lt;a href=&apos;{link}&apos;&gt;Iniciar sesión como otra persona…&lt;/a&gt;</translation>
    </message>
    <message>
        <source>Not logged in to {registry}: the push will be anonymous. &lt;a href=&apos;{link}&apos;&gt;Log in…&lt;/a&gt;</source>
        <translation>No hay sesión iniciada en {registry}: la subida será anónima. &lt;a href=&apos;{link}&apos;&gt;Iniciar sesión…&lt;/a&gt;</translation>
    </message>
    <message>
        <source>Login status unknown: {error}</source>
        <translation>Estado de la sesión desconocido: {error}</translation>
    </message>
    <message>
        <source>Give a destination, such as quay.io/team/app:1.0.</source>
        <translation>Indica un destino, como quay.io/equipo/app:1.0.</translation>
    </message>
    <message>
        <source>“{name}” is not a valid image name: write host/repository:tag (lowercase).</source>
        <translation>«{name}» no es un nombre de imagen válido: escribe servidor/repositorio:etiqueta (en minúsculas).</translation>
    </message>
</context>
<context>
    <name>QuitGuard</name>
    <message>
        <source>A transfer is still running: {title}.</source>
        <translation>Todavía hay una transferencia en curso: {title}.</translation>
    </message>
    <message>
        <source>{count} transfers are still running.</source>
        <translation>Todavía hay {count} transferencias en curso.</translation>
    </message>
    <message>
        <source>Quit and cancel them? What they have written so far is removed; the store stays as it was.</source>
        <translation>¿Salir y cancelarlas? Lo que hayan escrito hasta ahora se elimina; el almacén local queda como estaba.</translation>
    </message>
    <message>
        <source>Quit Estiba</source>
        <translation>Salir de Estiba</translation>
    </message>
    <message>
        <source>Cancel Transfers and Quit</source>
        <translation>Cancelar las transferencias y salir</translation>
    </message>
    <message>
        <source>Cancelling transfers before quitting…</source>
        <translation>Cancelando las transferencias antes de salir…</translation>
    </message>
</context>
<context>
    <name>RegistryBrowser</name>
    <message>
        <source>Browse a registry</source>
        <translation>Explorar un registro</translation>
    </message>
    <message>
        <source>registry, e.g. quay.io or localhost:5000</source>
        <translation type="vanished">registro, p. ej. quay.io o localhost:5000</translation>
    </message>
    <message>
        <source>Open</source>
        <translation type="vanished">Abrir</translation>
    </message>
    <message>
        <source>or type a repository, e.g. team/app</source>
        <translation type="vanished">o escribe un repositorio, p. ej. equipo/app</translation>
    </message>
    <message>
        <source>Filter tags</source>
        <translation type="vanished">Filtrar etiquetas</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation type="vanished">Etiqueta</translation>
    </message>
    <message>
        <source>Digest</source>
        <translation type="vanished">Digest</translation>
    </message>
    <message>
        <source>Platforms</source>
        <translation type="vanished">Plataformas</translation>
    </message>
    <message>
        <source>Size</source>
        <translation type="vanished">Tamaño</translation>
    </message>
    <message>
        <source>Created</source>
        <translation type="vanished">Creada</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation type="vanished">Etiquetas (labels)</translation>
    </message>
    <message>
        <source>Pull</source>
        <translation type="vanished">Descargar (pull)</translation>
    </message>
    <message>
        <source>Inspect</source>
        <translation type="vanished">Inspeccionar</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation type="vanished">Eliminar…</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation type="vanished">Guardar (save)…</translation>
    </message>
    <message>
        <source>Copy to…</source>
        <translation type="vanished">Copiar a…</translation>
    </message>
    <message>
        <source>Mirror Repository…</source>
        <translation type="vanished">Replicar el repositorio…</translation>
    </message>
    <message>
        <source>This computer&apos;s platform</source>
        <translation type="vanished">La plataforma de este equipo</translation>
    </message>
    <message>
        <source>All platforms</source>
        <translation type="vanished">Todas las plataformas</translation>
    </message>
    <message>
        <source>Type a registry name first.</source>
        <translation type="vanished">Escribe antes el nombre de un registro.</translation>
    </message>
    <message>
        <source>Reading the repositories of %1…</source>
        <translation type="vanished">Leyendo los repositorios de %1…</translation>
    </message>
    <message numerus="yes">
        <source>%n repositories</source>
        <translation type="vanished">
            <numerusform>%n repositorio</numerusform>
            <numerusform>%n repositorios</numerusform>
        </translation>
    </message>
    <message>
        <source>Only part of the list: %1</source>
        <translation type="vanished">Solo una parte de la lista: %1</translation>
    </message>
    <message>
        <source>This registry does not list its repositories: type a repository name below.</source>
        <translation type="vanished">Este registro no muestra la lista de sus repositorios: escribe abajo el nombre de un repositorio.</translation>
    </message>
    <message>
        <source>Cannot open the registry: %1</source>
        <translation type="vanished">No se puede abrir el registro: %1</translation>
    </message>
    <message>
        <source>Reading the tags of %1…</source>
        <translation type="vanished">Leyendo las etiquetas de %1…</translation>
    </message>
    <message numerus="yes">
        <source>%n tags</source>
        <translation type="vanished">
            <numerusform>%n etiqueta</numerusform>
            <numerusform>%n etiquetas</numerusform>
        </translation>
    </message>
    <message>
        <source>Only part of the list (%1 tags): %2</source>
        <translation type="vanished">Solo una parte de la lista (%1 etiquetas): %2</translation>
    </message>
    <message>
        <source>Cannot list the tags: %1</source>
        <translation type="vanished">No se pueden listar las etiquetas: %1</translation>
    </message>
    <message>
        <source>unreadable</source>
        <translation type="vanished">ilegible</translation>
    </message>
    <message>
        <source>Pulling %1 (see Transfers)</source>
        <translation type="vanished">Descargando %1 (ver Transferencias)</translation>
    </message>
    <message>
        <source>Copy to another registry</source>
        <translation type="vanished">Copiar a otro registro</translation>
    </message>
    <message>
        <source>Destination (HOST/REPOSITORY:TAG):</source>
        <translation type="vanished">Destino (SERVIDOR/REPOSITORIO:ETIQUETA):</translation>
    </message>
    <message>
        <source>Mirror a repository</source>
        <translation type="vanished">Replicar un repositorio</translation>
    </message>
    <message>
        <source>Every tag of %1 to a registry (HOST/PATH) or a folder (/path):</source>
        <translation type="vanished">Todas las etiquetas de %1 a un registro (SERVIDOR/RUTA) o a una carpeta (/ruta):</translation>
    </message>
    <message>
        <source>Mirroring %1 (see Transfers)</source>
        <translation type="vanished">Replicando %1 (ver Transferencias)</translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation type="vanished">Leyendo %1…</translation>
    </message>
    <message>
        <source>Cannot inspect: %1</source>
        <translation type="vanished">No se puede inspeccionar: %1</translation>
    </message>
    <message>
        <source>Inspect %1</source>
        <translation type="vanished">Inspeccionar %1</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation type="vanished">Resumen</translation>
    </message>
    <message>
        <source>Manifest</source>
        <translation type="vanished">Manifiesto</translation>
    </message>
    <message>
        <source>Config</source>
        <translation type="vanished">Configuración</translation>
    </message>
    <message>
        <source>History</source>
        <translation type="vanished">Historial</translation>
    </message>
    <message>
        <source>Cannot delete: %1</source>
        <translation type="vanished">No se puede eliminar: %1</translation>
    </message>
    <message>
        <source>%1 changed since it was listed; nothing was deleted. Its new details are shown.</source>
        <translation type="vanished">%1 ha cambiado desde que se listó; no se ha eliminado nada. Se muestran sus datos nuevos.</translation>
    </message>
    <message>
        <source>Delete %1 from %2?

The registry deletes the image, so these tags go with it: %3</source>
        <translation type="vanished">¿Eliminar %1 de %2?

El registro elimina la imagen, así que también desaparecen estas etiquetas: %3</translation>
    </message>
    <message>
        <source>Delete from the registry</source>
        <translation type="vanished">Eliminar del registro</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation type="vanished">Eliminar</translation>
    </message>
    <message>
        <source>Nothing was deleted.</source>
        <translation type="vanished">No se ha eliminado nada.</translation>
    </message>
    <message>
        <source>Not deleted: %1</source>
        <translation type="vanished">No se ha eliminado: %1</translation>
    </message>
    <message>
        <source>Deleted %1 (tags: %2)</source>
        <translation type="vanished">Eliminada %1 (etiquetas: %2)</translation>
    </message>
</context>
<context>
    <name>RegistryCompletion</name>
    <message>
        <source>%1 has no tag %2 (it has: %3)</source>
        <translation>%1 no tiene la etiqueta %2 (tiene: %3)</translation>
    </message>
    <message>
        <source>none</source>
        <translation>ninguna</translation>
    </message>
</context>
<context>
    <name>RegistryJobs</name>
    <message>
        <source>Copying %1 to %2</source>
        <translation>Copiando %1 a %2</translation>
    </message>
    <message>
        <source>Mirroring %1 to %2</source>
        <translation type="vanished">Replicando %1 en %2</translation>
    </message>
</context>
<context>
    <name>RegistryPlace</name>
    <message>
        <source>logged in as %1</source>
        <translation>sesión iniciada como %1</translation>
    </message>
    <message>
        <source>used before</source>
        <translation>usado antes</translation>
    </message>
</context>
<context>
    <name>RegistryView</name>
    <message>
        <source>registry, e.g. quay.io or localhost:5000</source>
        <translation>registro, p. ej. quay.io o localhost:5000</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Abrir</translation>
    </message>
    <message>
        <source>or type a repository, e.g. team/app</source>
        <translation>o escribe un repositorio, p. ej. equipo/app</translation>
    </message>
    <message>
        <source>Filter tags</source>
        <translation>Filtrar etiquetas</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>Etiqueta</translation>
    </message>
    <message>
        <source>Digest</source>
        <translation>Digest</translation>
    </message>
    <message>
        <source>Platforms</source>
        <translation>Plataformas</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Tamaño</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Creada</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation>Etiquetas (labels)</translation>
    </message>
    <message>
        <source>This computer&apos;s platform</source>
        <translation>La plataforma de este equipo</translation>
    </message>
    <message>
        <source>All platforms</source>
        <translation>Todas las plataformas</translation>
    </message>
    <message>
        <source>Type a registry name first.</source>
        <translation>Escribe antes el nombre de un registro.</translation>
    </message>
    <message>
        <source>Reading the repositories of %1…</source>
        <translation>Leyendo los repositorios de %1…</translation>
    </message>
    <message numerus="yes">
        <source>%n repositories</source>
        <translation>
            <numerusform>%n repositorio</numerusform>
            <numerusform>%n repositorios</numerusform>
        </translation>
    </message>
    <message>
        <source>Only part of the list: %1</source>
        <translation>Solo una parte de la lista: %1</translation>
    </message>
    <message>
        <source>This registry does not list its repositories: type a repository name below.</source>
        <translation>Este registro no muestra la lista de sus repositorios: escribe abajo el nombre de un repositorio.</translation>
    </message>
    <message>
        <source>Cannot open the registry: %1</source>
        <translation>No se puede abrir el registro: %1</translation>
    </message>
    <message>
        <source>Reading the tags of %1…</source>
        <translation>Leyendo las etiquetas de %1…</translation>
    </message>
    <message numerus="yes">
        <source>%n tags</source>
        <translation>
            <numerusform>%n etiqueta</numerusform>
            <numerusform>%n etiquetas</numerusform>
        </translation>
    </message>
    <message>
        <source>Only part of the list (%1 tags): %2</source>
        <translation>Solo una parte de la lista (%1 etiquetas): %2</translation>
    </message>
    <message>
        <source>Cannot list the tags: %1</source>
        <translation>No se pueden listar las etiquetas: %1</translation>
    </message>
    <message>
        <source>unreadable</source>
        <translation>ilegible</translation>
    </message>
</context>
<context>
    <name>ResolvedName</name>
    <message>
        <source>{name} may be any of {names}: pick one (registries.conf asks for a choice).</source>
        <translation>{name} puede ser cualquiera de {names}: elija uno (registries.conf pide que se elija).</translation>
    </message>
    <message>
        <source>{name} may be any of {names}: Pull tries them in this order; pick one to be sure.</source>
        <translation>{name} puede ser cualquiera de {names}: Descargar los prueba en este orden; elija uno para ir sobre seguro.</translation>
    </message>
    <message>
        <source>{name} → {full} (an alias in {file})</source>
        <translation>{name} → {full} (un alias en {file})</translation>
    </message>
    <message>
        <source>{name} → {full}</source>
        <translation>{name} → {full}</translation>
    </message>
    <message>
        <source>Pulled from {places} (registries.conf)</source>
        <translation>Se descarga de {places} (registries.conf)</translation>
    </message>
    <message>
        <source>, then </source>
        <translation>, luego </translation>
    </message>
    <message>
        <source>Pushed to {place} (registries.conf)</source>
        <translation>Se sube a {place} (registries.conf)</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>As stored (no recompression)</source>
        <translation>Tal como está guardada (sin recomprimir)</translation>
    </message>
    <message>
        <source>Uncompressed</source>
        <translation>Sin comprimir</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Preferencias</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Examinar…</translation>
    </message>
    <message>
        <source>(one per line: TLS is not verified for these)</source>
        <translation>(uno por línea: en estos no se verifica TLS)</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>El del sistema</translation>
    </message>
    <message>
        <source>A new store location takes effect at once; a new language when Estiba starts again.</source>
        <translation>Una nueva ubicación del almacén se aplica al momento; un nuevo idioma, la próxima vez que se inicie Estiba.</translation>
    </message>
    <message>
        <source>Image &amp;store:</source>
        <translation>&amp;Almacén de imágenes:</translation>
    </message>
    <message>
        <source>Transfers at &amp;once:</source>
        <translation>&amp;Transferencias a la vez:</translation>
    </message>
    <message>
        <source>Layers in &amp;parallel:</source>
        <translation>&amp;Capas en paralelo:</translation>
    </message>
    <message>
        <source>Default export &amp;format:</source>
        <translation>&amp;Formato de guardado predeterminado:</translation>
    </message>
    <message>
        <source>Default &amp;compression:</source>
        <translation>C&amp;ompresión predeterminada:</translation>
    </message>
    <message>
        <source>&amp;Insecure registries:</source>
        <translation>Registros &amp;inseguros:</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>I&amp;dioma:</translation>
    </message>
</context>
<context>
    <name>StorePlace</name>
    <message>
        <source>Estiba&apos;s store</source>
        <translation>Almacén local de Estiba</translation>
    </message>
</context>
<context>
    <name>TagActions</name>
    <message>
        <source>Pull</source>
        <translation>Descargar (pull)</translation>
    </message>
    <message>
        <source>Inspect</source>
        <translation>Inspeccionar</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Eliminar…</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Guardar (save)…</translation>
    </message>
    <message>
        <source>As %1…</source>
        <translation>Como %1…</translation>
    </message>
    <message>
        <source>Copy to…</source>
        <translation>Copiar a…</translation>
    </message>
    <message>
        <source>A file or folder</source>
        <translation>Un archivo o una carpeta</translation>
    </message>
    <message>
        <source>Mirror Repository…</source>
        <translation type="vanished">Replicar el repositorio…</translation>
    </message>
    <message>
        <source>Mirror Selected…</source>
        <translation type="vanished">Replicar las seleccionadas…</translation>
    </message>
    <message>
        <source>Pulling %1 (see Transfers)</source>
        <translation>Descargando %1 (ver Transferencias)</translation>
    </message>
    <message>
        <source>Exporting %1 as %2 (see Transfers)</source>
        <translation>Guardando %1 como %2 (ver Transferencias)</translation>
    </message>
    <message>
        <source>Estiba&apos;s store</source>
        <translation>Almacén local de Estiba</translation>
    </message>
    <message>
        <source>Another registry…</source>
        <translation>Otro registro…</translation>
    </message>
    <message>
        <source>Copying %1 to %2 (see Transfers)</source>
        <translation>Copiando %1 a %2 (ver Transferencias)</translation>
    </message>
    <message>
        <source>Copy to another registry</source>
        <translation>Copiar a otro registro</translation>
    </message>
    <message>
        <source>Destination (HOST/REPOSITORY:TAG):</source>
        <translation>Destino (SERVIDOR/REPOSITORIO:ETIQUETA):</translation>
    </message>
    <message>
        <source>Mirror a repository</source>
        <translation type="vanished">Replicar un repositorio</translation>
    </message>
    <message>
        <source>Every tag of %1 to a registry (HOST/PATH) or a folder (/path):</source>
        <translation type="vanished">Todas las etiquetas de %1 a un registro (SERVIDOR/RUTA) o a una carpeta (/ruta):</translation>
    </message>
    <message>
        <source>Mirror the selected tags</source>
        <translation type="vanished">Replicar las etiquetas seleccionadas</translation>
    </message>
    <message>
        <source>%1 to a registry (HOST/PATH) or a folder (/path):</source>
        <translation type="vanished">%1 a un registro (SERVIDOR/RUTA) o a una carpeta (/ruta):</translation>
    </message>
    <message>
        <source>Mirror</source>
        <translation type="vanished">Replicar</translation>
    </message>
    <message>
        <source>Mirroring %1 (see Transfers)</source>
        <translation type="vanished">Replicando %1 (ver Transferencias)</translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation>Leyendo %1…</translation>
    </message>
    <message>
        <source>Cannot inspect: %1</source>
        <translation>No se puede inspeccionar: %1</translation>
    </message>
    <message>
        <source>Inspect %1</source>
        <translation>Inspeccionar %1</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>Resumen</translation>
    </message>
    <message>
        <source>Manifest</source>
        <translation>Manifiesto</translation>
    </message>
    <message>
        <source>Config</source>
        <translation>Configuración</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Historial</translation>
    </message>
    <message>
        <source>Cannot delete: %1</source>
        <translation>No se puede eliminar: %1</translation>
    </message>
    <message>
        <source>%1 changed since it was listed; nothing was deleted. Its new details are shown.</source>
        <translation>%1 ha cambiado desde que se listó; no se ha eliminado nada. Se muestran sus datos nuevos.</translation>
    </message>
    <message>
        <source>Delete %1 from %2?

The registry deletes the image, so these tags go with it: %3</source>
        <translation>¿Eliminar %1 de %2?

El registro elimina la imagen, así que también desaparecen estas etiquetas: %3</translation>
    </message>
    <message>
        <source>Delete from the registry</source>
        <translation>Eliminar del registro</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Eliminar</translation>
    </message>
    <message>
        <source>Nothing was deleted.</source>
        <translation>No se ha eliminado nada.</translation>
    </message>
    <message>
        <source>Not deleted: %1</source>
        <translation>No se ha eliminado: %1</translation>
    </message>
    <message>
        <source>Deleted %1 (tags: %2)</source>
        <translation>Eliminada %1 (etiquetas: %2)</translation>
    </message>
</context>
<context>
    <name>TagDialog</name>
    <message>
        <source>Tag {image}</source>
        <translation>Etiquetar {image}</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>Etiquetar</translation>
    </message>
    <message>
        <source>Image:</source>
        <translation>Imagen:</translation>
    </message>
    <message>
        <source>&amp;New name:</source>
        <translation>&amp;Nombre nuevo:</translation>
    </message>
    <message>
        <source>Give a name, such as myapp:1.0 or quay.io/team/app:1.0.</source>
        <translation>Indica un nombre, como miapp:1.0 o quay.io/equipo/app:1.0.</translation>
    </message>
</context>
<context>
    <name>TransferOptions</name>
    <message>
        <source>Turn off only for a registry of your own with a self-signed certificate or plain HTTP; loopback addresses may use plain HTTP anyway.</source>
        <translation>Desactívalo solo para un registro propio con certificado autofirmado o HTTP sin cifrar; las direcciones locales (loopback) pueden usar HTTP de todos modos.</translation>
    </message>
</context>
<context>
    <name>Transfers</name>
    <message>
        <source>as stored</source>
        <translation>tal como está guardada</translation>
    </message>
    <message>
        <source>Loading {name}</source>
        <translation>Cargando {name}</translation>
    </message>
    <message>
        <source>Load {path} into the store {store} (all platforms)</source>
        <translation>Cargar {path} en el almacén {store} (todas las plataformas)</translation>
    </message>
    <message>
        <source>Load {path} into the store {store}</source>
        <translation>Cargar {path} en el almacén {store}</translation>
    </message>
    <message>
        <source>Exporting {what} as {format}</source>
        <translation>Guardando {what} como {format}</translation>
    </message>
    <message>
        <source>Export {images} to {path} ({format}, compression: {compression})</source>
        <translation>Guardar {images} en {path} ({format}, compresión: {compression})</translation>
    </message>
    <message>
        <source>all platforms</source>
        <translation>todas las plataformas</translation>
    </message>
    <message>
        <source>this computer&apos;s platform</source>
        <translation>la plataforma de este equipo</translation>
    </message>
    <message>
        <source>Pulling {image}</source>
        <translation>Descargando {image}</translation>
    </message>
    <message>
        <source>Pull {source} ({platform})</source>
        <translation>Descargar {source} ({platform})</translation>
    </message>
    <message>
        <source>Pushing {image} to {target}</source>
        <translation>Subiendo {image} a {target}</translation>
    </message>
    <message>
        <source>Push {image} to {destination} (compression: {compression}, manifest: {manifest})</source>
        <translation>Subir {image} a {destination} (compresión: {compression}, manifiesto: {manifest})</translation>
    </message>
    <message>
        <source>Push {image} to {destination} (compression: {compression})</source>
        <translation type="vanished">Subir {image} a {destination} (compresión: {compression})</translation>
    </message>
</context>
<context>
    <name>TransfersDock</name>
    <message>
        <source>Transfers</source>
        <translation>Transferencias</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Cancelando…</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>Mostrar en la carpeta</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Reintentar</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Detalles</translation>
    </message>
    <message>
        <source>Clear finished</source>
        <translation>Quitar las terminadas</translation>
    </message>
    <message>
        <source>Select a transfer to see its details.</source>
        <translation>Selecciona una transferencia para ver sus detalles.</translation>
    </message>
    <message>
        <source>nothing moved yet</source>
        <translation>todavía no se ha movido nada</translation>
    </message>
    <message>
        <source>State: {state}</source>
        <translation>Estado: {state}</translation>
    </message>
    <message>
        <source>Progress: {progress}</source>
        <translation>Progreso: {progress}</translation>
    </message>
    <message>
        <source>Took {duration}</source>
        <translation>Duración: {duration}</translation>
    </message>
    <message>
        <source>Layers: {count}</source>
        <translation>Capas: {count}</translation>
    </message>
    <message>
        <source>Attempt {number}</source>
        <translation>Intento {number}</translation>
    </message>
    <message>
        <source>Error: {error}</source>
        <translation>Error: {error}</translation>
    </message>
</context>
<context>
    <name>TransfersModel</name>
    <message>
        <source>Transfer</source>
        <translation>Transferencia</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Progreso</translation>
    </message>
    <message>
        <source>Speed</source>
        <translation>Velocidad</translation>
    </message>
    <message>
        <source>Time left</source>
        <translation>Tiempo restante</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>En cola</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>En curso</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Hecho</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fallida</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Cancelada</translation>
    </message>
    <message>
        <source>Decompressing</source>
        <translation>Descomprimiendo</translation>
    </message>
    <message>
        <source>Reading</source>
        <translation>Leyendo</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Reintentar</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>Mostrar en la carpeta</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Cancelando…</translation>
    </message>
    <message>
        <source>Failed: {error}</source>
        <translation>Fallida: {error}</translation>
    </message>
    <message>
        <source>Waiting for a free slot</source>
        <translation>Esperando un hueco libre</translation>
    </message>
    <message>
        <source>{percent}% · {done} of {total}</source>
        <translation>{percent} % · {done} de {total}</translation>
    </message>
    <message>
        <source>waiting for %1</source>
        <translation>esperando a %1</translation>
    </message>
    <message>
        <source>Layer {digest}</source>
        <translation>Capa {digest}</translation>
    </message>
    <message>
        <source>Already there</source>
        <translation>Ya estaba</translation>
    </message>
    <message>
        <source>Copying</source>
        <translation>Copiando</translation>
    </message>
</context>
<context>
    <name>Transports</name>
    <message>
        <source>Docker archive file</source>
        <translation>Archivo Docker (docker-archive)</translation>
    </message>
    <message>
        <source>OCI archive file</source>
        <translation>Archivo OCI (oci-archive)</translation>
    </message>
    <message>
        <source>OCI layout directory</source>
        <translation>Directorio OCI layout (oci:)</translation>
    </message>
    <message>
        <source>dir: directory</source>
        <translation>Directorio dir:</translation>
    </message>
    <message>
        <source>registry image</source>
        <translation>imagen de un registro</translation>
    </message>
    <message>
        <source>image in the store</source>
        <translation>imagen del almacén local</translation>
    </message>
    <message>
        <source>Podman image</source>
        <translation>imagen de Podman</translation>
    </message>
    <message>
        <source>Docker image</source>
        <translation>imagen de Docker</translation>
    </message>
</context>
<context>
    <name>WindowEngines</name>
    <message>
        <source>{engine} cannot take images now: {why}</source>
        <translation>{engine} no puede recibir imágenes ahora: {why}</translation>
    </message>
    <message>
        <source>{title}: a multi-platform image goes to an engine as one platform; {taken} was taken (it also has {others}).</source>
        <translation>{title}: una imagen multiplataforma llega a un motor como una sola plataforma; se tomó {taken} (también tiene {others}).</translation>
    </message>
</context>
<context>
    <name>WindowTransfers</name>
    <message>
        <source>{count} of its images</source>
        <translation>{count} de sus imágenes</translation>
    </message>
    <message>
        <source>{title} failed: {what} is no longer in the store (removed by another window or by estiba in a terminal). The image list has been reloaded.</source>
        <translation>{title} ha fallado: {what} ya no está en el almacén local (lo ha eliminado otra ventana o estiba en un terminal). Se ha recargado la lista de imágenes.</translation>
    </message>
    <message numerus="yes">
        <source> and %n more</source>
        <translation>
            <numerusform> y %n más</numerusform>
            <numerusform> y %n más</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unnamed image(s)</source>
        <translation>
            <numerusform>%n imagen sin nombre</numerusform>
            <numerusform>%n imágenes sin nombre</numerusform>
        </translation>
    </message>
    <message>
        <source>The image</source>
        <translation>La imagen</translation>
    </message>
    <message>
        <source>{name} is a multi-platform image: only {taken} was kept (it also has {others}).</source>
        <translation>{name} es una imagen multiplataforma: solo se ha conservado {taken} (también tiene {others}).</translation>
    </message>
    <message>
        <source>Keep All Platforms</source>
        <translation>Conservar todas las plataformas</translation>
    </message>
    <message numerus="yes">
        <source>%n transfer(s)</source>
        <translation>
            <numerusform>%n transferencia</numerusform>
            <numerusform>%n transferencias</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>_Leads</name>
    <message>
        <source>{detail}</source>
        <comment>InvalidInput</comment>
        <translation>Entrada no válida: {detail}</translation>
    </message>
    <message>
        <source>{detail}</source>
        <comment>DigestMismatch</comment>
        <translation>Los datos no coinciden con su digest: {detail}</translation>
    </message>
    <message>
        <source>{detail}</source>
        <comment>NotFound</comment>
        <translation>No encontrado: {detail}</translation>
    </message>
    <message>
        <source>{detail}</source>
        <comment>Unsupported</comment>
        <translation>No compatible: {detail}</translation>
    </message>
    <message>
        <source>{detail}</source>
        <comment>RegistryError</comment>
        <translation>Error del registro: {detail}</translation>
    </message>
    <message>
        <source>{detail}</source>
        <comment>Unauthorized</comment>
        <translation>Sin autorización: {detail}</translation>
    </message>
    <message>
        <source>{detail}</source>
        <comment>Denied</comment>
        <translation>Acceso denegado: {detail}</translation>
    </message>
    <message>
        <source>{detail}</source>
        <comment>CredentialsUnavailable</comment>
        <translation>Inicio de sesión no disponible: {detail}</translation>
    </message>
    <message>
        <source>{detail}</source>
        <comment>EstibaError</comment>
        <translation>Error: {detail}</translation>
    </message>
    <message>
        <source>{detail}</source>
        <comment>FileNotFoundError</comment>
        <translation>No existe: {detail}</translation>
    </message>
    <message>
        <source>{detail}</source>
        <comment>PermissionError</comment>
        <translation>Permiso denegado: {detail}</translation>
    </message>
    <message>
        <source>{detail}</source>
        <comment>OSError</comment>
        <translation>Error de archivo: {detail}</translation>
    </message>
</context>
</TS>
