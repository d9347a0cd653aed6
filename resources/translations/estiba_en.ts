<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en_US">
<context>
    <name>Counts</name>
    <message numerus="yes">
        <source>%n image(s)</source>
        <translation><numerusform>%n image</numerusform><numerusform>%n images</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Export %n images to one</source>
        <translation><numerusform>Export %n images to one</numerusform><numerusform>Export %n images to one</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Remove %n image(s)</source>
        <translation><numerusform>Remove %n image</numerusform><numerusform>Remove %n images</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n of %1 images failed (first: %2: %3)</source>
        <translation><numerusform>%n of %1 images failed (first: %2: %3)</numerusform><numerusform>%n of %1 images failed (first: %2: %3)</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n year(s) ago</source>
        <translation><numerusform>%n year ago</numerusform><numerusform>%n years ago</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n month(s) ago</source>
        <translation><numerusform>%n month ago</numerusform><numerusform>%n months ago</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n week(s) ago</source>
        <translation><numerusform>%n week ago</numerusform><numerusform>%n weeks ago</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n day(s) ago</source>
        <translation><numerusform>%n day ago</numerusform><numerusform>%n days ago</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n hour(s) ago</source>
        <translation><numerusform>%n hour ago</numerusform><numerusform>%n hours ago</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n minute(s) ago</source>
        <translation><numerusform>%n minute ago</numerusform><numerusform>%n minutes ago</numerusform></translation>
    </message>
</context>
<context>
    <name>DropOverlay</name>
    <message numerus="yes">
        <source>Drop to load %n item(s)</source>
        <translation><numerusform>Drop to load %n item</numerusform><numerusform>Drop to load %n items</numerusform></translation>
    </message>
</context>
<context>
    <name>EngineBackend</name>
    <message numerus="yes">
        <source>Loading %n item(s)…</source>
        <translation><numerusform>Loading %n item…</numerusform><numerusform>Loading %n items…</numerusform></translation>
    </message>
</context>
<context>
    <name>EngineCommands</name>
    <message numerus="yes">
        <source>%n image(s)</source>
        <translation><numerusform>%n image</numerusform><numerusform>%n images</numerusform></translation>
    </message>
</context>
<context>
    <name>ImageCommands</name>
    <message numerus="yes">
        <source>%n image(s)</source>
        <translation><numerusform>%n image</numerusform><numerusform>%n images</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Copied %n image ID(s)</source>
        <translation><numerusform>Copied %n image ID</numerusform><numerusform>Copied %n image IDs</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Copied %n name(s)</source>
        <translation><numerusform>Copied %n name</numerusform><numerusform>Copied %n names</numerusform></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>%n image(s) · {store}</source>
        <translation><numerusform>%n image · {store}</numerusform><numerusform>%n images · {store}</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Loading %n item(s)…</source>
        <translation><numerusform>Loading %n item…</numerusform><numerusform>Loading %n items…</numerusform></translation>
    </message>
</context>
<context>
    <name>MirrorActions</name>
    <message numerus="yes">
        <source>Mirror %n Repositories…</source>
        <translation><numerusform>Mirror %n Repositories…</numerusform><numerusform>Mirror %n Repositories…</numerusform></translation>
    </message>
</context>
<context>
    <name>RegistryView</name>
    <message numerus="yes">
        <source>%n repositories</source>
        <translation><numerusform>%n repositories</numerusform><numerusform>%n repositories</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n tags</source>
        <translation><numerusform>%n tags</numerusform><numerusform>%n tags</numerusform></translation>
    </message>
</context>
<context>
    <name>WindowTransfers</name>
    <message numerus="yes">
        <source> and %n more</source>
        <translation><numerusform> and %n more</numerusform><numerusform> and %n more</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n unnamed image(s)</source>
        <translation><numerusform>%n unnamed image</numerusform><numerusform>%n unnamed images</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n transfer(s)</source>
        <translation><numerusform>%n transfer</numerusform><numerusform>%n transfers</numerusform></translation>
    </message>
</context>
</TS>