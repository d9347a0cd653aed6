<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<!-- Spanish for texts of Qt's own dialogs that the PySide6 wheel's qtbase_es.qm lacks (Qt 6 changed their
     English, e.g. "Look in:" became "&Look in:"). Written by hand; `python -m gui.i18n_tools` compiles it, and
     the widget-walking test (tests/gui/test_spanish_window.py) finds any that are still missing. -->
<TS version="2.1" language="es_ES">
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>&amp;Ver en:</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>Archivos de &amp;tipo:</translation>
    </message>
    <message>
        <source>File &amp;name:</source>
        <translation>&amp;Nombre de archivo:</translation>
    </message>
</context>
<context>
    <name>QAbstractFileIconProvider</name>
    <message>
        <source>Folder</source>
        <translation>Carpeta</translation>
    </message>
    <message>
        <source>Drive</source>
        <translation>Unidad</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Archivo</translation>
    </message>
</context>
</TS>
