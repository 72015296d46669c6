<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>Portal::Gui::AuditModel</name>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Actor</source>
        <translation>Akteur</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Objekt</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Details</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::AuthFailureModel</name>
    <message>
        <source>Minute</source>
        <translation>Minute</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>Claimed identity</source>
        <translation>Behauptete Identität</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>Anzahl</translation>
    </message>
    <message>
        <source>Last</source>
        <translation>Zuletzt</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::ClassEditor</name>
    <message>
        <source>Edit device class %1</source>
        <translation>Geräteklasse %1 bearbeiten</translation>
    </message>
    <message>
        <source>New device class</source>
        <translation>Neue Geräteklasse</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>letters, digits, . _ -</source>
        <translation>Buchstaben, Ziffern, . _ -</translation>
    </message>
    <message>
        <source>&amp;Vendor:</source>
        <translation>&amp;Hersteller:</translation>
    </message>
    <message>
        <source>empty matches any</source>
        <translation>leer passt auf alles</translation>
    </message>
    <message>
        <source>&amp;Type:</source>
        <translation>&amp;Typ:</translation>
    </message>
    <message>
        <source>S&amp;ubscriber:</source>
        <translation>T&amp;eilnehmer:</translation>
    </message>
    <message>
        <source>&amp;Priority:</source>
        <translation>&amp;Priorität:</translation>
    </message>
    <message>
        <source>VM te&amp;mplate:</source>
        <translation>VM-&amp;Vorlage:</translation>
    </message>
    <message>
        <source>shared</source>
        <translation>gemeinsam</translation>
    </message>
    <message>
        <source>dedicated</source>
        <translation>dediziert</translation>
    </message>
    <message>
        <source>S&amp;haring:</source>
        <translation>N&amp;utzung:</translation>
    </message>
    <message>
        <source>&amp;Capacity:</source>
        <translation>&amp;Kapazität:</translation>
    </message>
    <message>
        <source>preregistered</source>
        <translation>vorregistriert</translation>
    </message>
    <message>
        <source>open (trust on first attach)</source>
        <translation>offen (Vertrauen bei der ersten Anmeldung)</translation>
    </message>
    <message>
        <source>&amp;Enrolment:</source>
        <translation>&amp;Registrierung:</translation>
    </message>
    <message>
        <source>The name must be 1 to 64 letters, digits, dots, underscores or dashes.</source>
        <translation>Der Name muss aus 1 bis 64 Buchstaben, Ziffern, Punkten, Unterstrichen oder Bindestrichen bestehen.</translation>
    </message>
    <message>
        <source>Vendor, type and subscriber are at most %1 characters.</source>
        <translation>Hersteller, Typ und Teilnehmer dürfen höchstens %1 Zeichen lang sein.</translation>
    </message>
    <message>
        <source>Choose a VM template; create one under VM templates first.</source>
        <translation>Wählen Sie eine VM-Vorlage; legen Sie zuerst eine unter „VM-Vorlagen“ an.</translation>
    </message>
    <message>
        <source>The VM template %1 does not exist.</source>
        <translation>Die VM-Vorlage %1 existiert nicht.</translation>
    </message>
    <message>
        <source>The store refused the class: %1</source>
        <translation>Der Datenspeicher hat die Klasse abgelehnt: %1</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::ClassModel</name>
    <message>
        <source>Class</source>
        <translation>Klasse</translation>
    </message>
    <message>
        <source>Vendor</source>
        <translation>Hersteller</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>Subscriber</source>
        <translation>Teilnehmer</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priorität</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>Vorlage</translation>
    </message>
    <message>
        <source>Sharing</source>
        <translation>Nutzung</translation>
    </message>
    <message>
        <source>Capacity</source>
        <translation>Kapazität</translation>
    </message>
    <message>
        <source>Enrolment</source>
        <translation>Registrierung</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::ConnectionsPage</name>
    <message>
        <source>Trust this SSH host?</source>
        <translation>Diesem SSH-Host vertrauen?</translation>
    </message>
    <message>
        <source>This is the first contact with %1. It presents the host key

%2

Compare it with the host&apos;s own (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the host) and trust it only if they match.</source>
        <translation>Dies ist der erste Kontakt mit %1. Der Host legt diesen Host-Schlüssel vor:

%2

Vergleichen Sie ihn mit dem Schlüssel des Hosts selbst (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub auf dem Host) und vertrauen Sie ihm nur, wenn beide übereinstimmen.</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>Datenbank</translation>
    </message>
    <message>
        <source>In use:</source>
        <translation>In Verwendung:</translation>
    </message>
    <message>
        <source>SQLite file or postgresql://user@host:port/db</source>
        <translation>SQLite-Datei oder postgresql://user@host:port/db</translation>
    </message>
    <message>
        <source>Open at the next &amp;start:</source>
        <translation>Beim nächsten &amp;Start öffnen:</translation>
    </message>
    <message>
        <source>Cloud (OpenStack)</source>
        <translation>Cloud (OpenStack)</translation>
    </message>
    <message>
        <source>path to clouds.yaml</source>
        <translation>Pfad zu clouds.yaml</translation>
    </message>
    <message>
        <source>the cloud&apos;s name in the file</source>
        <translation>Name der Cloud in der Datei</translation>
    </message>
    <message>
        <source>Test &amp;cloud connection</source>
        <translation>&amp;Cloud-Verbindung testen</translation>
    </message>
    <message>
        <source>clouds.&amp;yaml:</source>
        <translation>clouds.&amp;yaml:</translation>
    </message>
    <message>
        <source>Cloud &amp;name:</source>
        <translation>Cloud-&amp;Name:</translation>
    </message>
    <message>
        <source>SSH (Puppet on instances)</source>
        <translation>SSH (Puppet auf Instanzen)</translation>
    </message>
    <message>
        <source>user@host[:port]</source>
        <translation>user@host[:port]</translation>
    </message>
    <message>
        <source>the portal&apos;s known_hosts file</source>
        <translation>known_hosts-Datei des Portals</translation>
    </message>
    <message>
        <source>private key file; empty: ssh-agent only</source>
        <translation>Datei des privaten Schlüssels; leer: nur ssh-agent</translation>
    </message>
    <message>
        <source>the key&apos;s passphrase; empty: the one remembered, or none</source>
        <translation>Passphrase des Schlüssels; leer: die gespeicherte oder keine</translation>
    </message>
    <message>
        <source>&amp;Remember the passphrase in %1</source>
        <translation>Passphrase &amp;merken (%1)</translation>
    </message>
    <message>
        <source>Also try ssh-&amp;agent</source>
        <translation>Auch ssh-&amp;agent versuchen</translation>
    </message>
    <message>
        <source>Test SS&amp;H connection</source>
        <translation>SS&amp;H-Verbindung testen</translation>
    </message>
    <message>
        <source>&amp;Target:</source>
        <translation>&amp;Ziel:</translation>
    </message>
    <message>
        <source>&amp;known_hosts:</source>
        <translation>&amp;known_hosts:</translation>
    </message>
    <message>
        <source>&amp;Passphrase:</source>
        <translation>&amp;Passphrase:</translation>
    </message>
    <message>
        <source>%1 is larger than 256 KiB.</source>
        <translation>%1 ist größer als 256 KiB.</translation>
    </message>
    <message>
        <source>The file does not describe that cloud: %1</source>
        <translation>Die Datei beschreibt diese Cloud nicht: %1</translation>
    </message>
    <message>
        <source>Authenticating at %1…</source>
        <translation>Authentifizierung bei %1…</translation>
    </message>
    <message>
        <source>Keystone refused or did not answer: %1</source>
        <translation>Keystone hat abgelehnt oder nicht geantwortet: %1</translation>
    </message>
    <message>
        <source>Connected: token valid until %1; compute at %2.</source>
        <translation>Verbunden: Token gültig bis %1; Compute unter %2.</translation>
    </message>
    <message>
        <source>(none in the catalog)</source>
        <translation>(nicht im Katalog)</translation>
    </message>
    <message>
        <source>The target must be user@host or user@host:port.</source>
        <translation>Das Ziel muss user@host oder user@host:port sein.</translation>
    </message>
    <message>
        <source>The port must be 1..65535.</source>
        <translation>Der Port muss 1..65535 sein.</translation>
    </message>
    <message>
        <source>Give the portal&apos;s known_hosts file (it is created when missing).</source>
        <translation>Geben Sie die known_hosts-Datei des Portals an (sie wird angelegt, falls sie fehlt).</translation>
    </message>
    <message>
        <source>The passphrase was not remembered: %1</source>
        <translation>Die Passphrase wurde nicht gespeichert: %1</translation>
    </message>
    <message>
        <source>Connecting to %1:%2…</source>
        <translation>Verbindung zu %1:%2 wird hergestellt…</translation>
    </message>
    <message>
        <source>Connected to %1 as %2; its host key is the one recorded in %3.</source>
        <translation>Verbunden mit %1 als %2; sein Host-Schlüssel ist der in %3 hinterlegte.</translation>
    </message>
    <message>
        <source>Refused: the host key of %1 changed. %2
If the machine was really replaced, remove its old line from %3 and test again.</source>
        <translation>Abgelehnt: Der Host-Schlüssel von %1 hat sich geändert. %2
Falls der Rechner wirklich ersetzt wurde, entfernen Sie seine alte Zeile aus %3 und testen Sie erneut.</translation>
    </message>
    <message>
        <source>Could not connect: %1</source>
        <translation>Es konnte keine Verbindung hergestellt werden: %1</translation>
    </message>
    <message>
        <source>Not trusted: nothing was recorded for %1.</source>
        <translation>Nicht vertraut: Für %1 wurde nichts hinterlegt.</translation>
    </message>
    <message>
        <source>Recording %1 for %2…</source>
        <translation>%1 wird für %2 hinterlegt…</translation>
    </message>
    <message>
        <source>The host key was not recorded: %1</source>
        <translation>Der Host-Schlüssel wurde nicht hinterlegt: %1</translation>
    </message>
    <message>
        <source>K&amp;ey file:</source>
        <translation>Schlüssel&amp;datei:</translation>
    </message>
    <message>
        <source>Cannot read %1; give the path of a clouds.yaml file under Connections.</source>
        <translation>%1 kann nicht gelesen werden; geben Sie unter Verbindungen den Pfad einer clouds.yaml-Datei an.</translation>
    </message>
    <message>
        <source>Could not read the remembered passphrase from %1: %2. Type it above.</source>
        <translation>Die gemerkte Passphrase konnte nicht aus %1 gelesen werden: %2. Geben Sie sie oben ein.</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::DemoLab</name>
    <message>
        <source>Using the lab already running in %1.</source>
        <translation>Das bereits in %1 laufende Labor wird verwendet.</translation>
    </message>
    <message>
        <source>The lab script %1 is missing; run iot-portal --demo from the build of a source tree.</source>
        <translation>Das Laborskript %1 fehlt; starten Sie iot-portal --demo aus dem Build eines Quellbaums.</translation>
    </message>
    <message>
        <source>The lab stopped (exit code %1) before it was ready:%2</source>
        <translation>Das Labor wurde beendet (Exit-Code %1), bevor es bereit war:%2</translation>
    </message>
    <message>
        <source>Starting the lab in %1…</source>
        <translation>Das Labor wird in %1 gestartet…</translation>
    </message>
    <message>
        <source>The lab was not ready within %1 s:%2</source>
        <translation>Das Labor war nicht innerhalb von %1 s bereit:%2</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::DeviceModel</name>
    <message>
        <source>Device</source>
        <translation>Gerät</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>Klasse</translation>
    </message>
    <message>
        <source>Gateway</source>
        <translation>Gateway</translation>
    </message>
    <message>
        <source>Instance</source>
        <translation>Instanz</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>revoked</source>
        <translation>widerrufen</translation>
    </message>
    <message>
        <source>registered</source>
        <translation>registriert</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Zuletzt gesehen</translation>
    </message>
    <message>
        <source>Last reading</source>
        <translation>Letzter Messwert</translation>
    </message>
    <message>
        <source>Signature</source>
        <translation>Signatur</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::DevicePanel</name>
    <message>
        <source>&amp;Send command</source>
        <translation>Befehl &amp;senden</translation>
    </message>
    <message>
        <source>Re&amp;voke key…</source>
        <translation>Schlüssel w&amp;iderrufen…</translation>
    </message>
    <message>
        <source>Verified readings</source>
        <translation>Verifizierte Messwerte</translation>
    </message>
    <message>
        <source>received (local time)</source>
        <translation>empfangen (Ortszeit)</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>Befehl</translation>
    </message>
    <message>
        <source>Actuator</source>
        <translation>Aktor</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>Aktualisiert</translation>
    </message>
    <message>
        <source>Actuator commands</source>
        <translation>Aktorbefehle</translation>
    </message>
    <message>
        <source>&amp;Actuator</source>
        <translation>&amp;Aktor</translation>
    </message>
    <message>
        <source>&amp;Value</source>
        <translation>&amp;Wert</translation>
    </message>
    <message>
        <source>Select a device to see its readings and commands.</source>
        <translation>Wählen Sie ein Gerät aus, um seine Messwerte und Befehle zu sehen.</translation>
    </message>
    <message>
        <source>Device %1 is no longer in the store.</source>
        <translation>Das Gerät %1 ist nicht mehr im Datenspeicher.</translation>
    </message>
    <message>
        <source>not placed</source>
        <translation>nicht zugewiesen</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; · class %2 · gateway %3 · instance %4 · %5%6&lt;br&gt;key %7</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; · Klasse %2 · Gateway %3 · Instanz %4 · %5%6&lt;br&gt;Schlüssel %7</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keines</translation>
    </message>
    <message>
        <source> · &lt;b&gt;revoked&lt;/b&gt;</source>
        <translation> · &lt;b&gt;widerrufen&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Revoking failed: %1</source>
        <translation>Widerruf fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Readings and commands live on the device&apos;s instance; start iot-portal with --pki-dir (the portal&apos;s PKI folder) to see them.</source>
        <translation>Messwerte und Befehle liegen auf der Instanz des Geräts; starten Sie iot-portal mit --pki-dir (dem PKI-Ordner des Portals), um sie zu sehen.</translation>
    </message>
    <message>
        <source>The instance did not give the readings: %1</source>
        <translation>Die Instanz hat die Messwerte nicht geliefert: %1</translation>
    </message>
    <message>
        <source>The instance did not give the commands: %1</source>
        <translation>Die Instanz hat die Befehle nicht geliefert: %1</translation>
    </message>
    <message>
        <source>sensor %1 (%2)</source>
        <translation>Sensor %1 (%2)</translation>
    </message>
    <message>
        <source>No verified readings yet</source>
        <translation>Noch keine verifizierten Messwerte</translation>
    </message>
    <message>
        <source>Verified readings: the newest %1</source>
        <translation>Verifizierte Messwerte: die neuesten %1</translation>
    </message>
    <message>
        <source>The device has no ready instance to send the command to.</source>
        <translation>Das Gerät hat keine bereite Instanz, an die der Befehl gesendet werden könnte.</translation>
    </message>
    <message>
        <source>Sending actuator %1 = %2…</source>
        <translation>Aktor %1 = %2 wird gesendet…</translation>
    </message>
    <message>
        <source>The command was not accepted: %1</source>
        <translation>Der Befehl wurde nicht angenommen: %1</translation>
    </message>
    <message>
        <source>Command %1 is %2; its status follows below as the gateway reports it.</source>
        <translation>Befehl %1 ist %2; sein Status erscheint unten, sobald das Gateway ihn meldet.</translation>
    </message>
    <message>
        <source>Revoke the device&apos;s key</source>
        <translation>Schlüssel des Geräts widerrufen</translation>
    </message>
    <message>
        <source>Revoke device %1? Its instance then refuses its readings and commands, and it cannot attach again with this key.</source>
        <translation>Gerät %1 widerrufen? Seine Instanz weist dann seine Messwerte und Befehle ab, und es kann sich mit diesem Schlüssel nicht mehr anmelden.</translation>
    </message>
    <message>
        <source>Could not queue the revocation: %1</source>
        <translation>Der Widerruf konnte nicht eingereiht werden: %1</translation>
    </message>
    <message>
        <source>Revocation queued for the leading iot-portald…</source>
        <translation>Widerruf für den führenden iot-portald eingereiht…</translation>
    </message>
    <message>
        <source>&lt;br&gt;last seen %1 · last stored reading %2 · signature %3</source>
        <translation>&lt;br&gt;zuletzt gesehen %1 · letzter gespeicherter Messwert %2 · Signatur %3</translation>
    </message>
    <message>
        <source>not checked yet</source>
        <translation>noch nicht geprüft</translation>
    </message>
    <message>
        <source>&lt;b&gt;credential revocation pending&lt;/b&gt;: gateway %1 is no longer trusted; instance %2 has not acknowledged it yet</source>
        <translation>&lt;b&gt;Widerruf der Zugangsdaten ausstehend&lt;/b&gt;: Gateway %1 ist nicht mehr vertrauenswürdig; Instanz %2 hat ihn noch nicht bestätigt</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>&lt;b&gt;removal pending&lt;/b&gt;: instance %1 has not dropped the device yet</source>
        <translation>&lt;b&gt;Entfernen ausstehend&lt;/b&gt;: Instanz %1 hat das Gerät noch nicht entfernt</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::DeviceSerialLink</name>
    <message>
        <source>The request could not be encoded.</source>
        <translation>Die Anfrage konnte nicht kodiert werden.</translation>
    </message>
    <message>
        <source>it could not decode the request</source>
        <translation>es konnte die Anfrage nicht dekodieren</translation>
    </message>
    <message>
        <source>its firmware does not know this request</source>
        <translation>seine Firmware kennt diese Anfrage nicht</translation>
    </message>
    <message>
        <source>it speaks another protocol version</source>
        <translation>es spricht eine andere Protokollversion</translation>
    </message>
    <message>
        <source>it is not provisioned yet</source>
        <translation>es ist noch nicht provisioniert</translation>
    </message>
    <message>
        <source>it is locked (already provisioned)</source>
        <translation>es ist gesperrt (bereits provisioniert)</translation>
    </message>
    <message>
        <source>it is busy; try again</source>
        <translation>es ist beschäftigt; versuchen Sie es erneut</translation>
    </message>
    <message>
        <source>the request does not fit its state</source>
        <translation>die Anfrage passt nicht zu seinem Zustand</translation>
    </message>
    <message>
        <source>it refused a value of the request</source>
        <translation>es hat einen Wert der Anfrage abgelehnt</translation>
    </message>
    <message>
        <source>its storage or hardware failed</source>
        <translation>sein Speicher oder seine Hardware ist ausgefallen</translation>
    </message>
    <message>
        <source>error %1</source>
        <translation>Fehler %1</translation>
    </message>
    <message>
        <source>Could not open %1: %2. Check that the device is plugged in and that no other program uses the port.</source>
        <translation>%1 konnte nicht geöffnet werden: %2. Prüfen Sie, ob das Gerät angeschlossen ist und kein anderes Programm den Port verwendet.</translation>
    </message>
    <message>
        <source>The serial port %1 is closed. Plug the device in and press Retry.</source>
        <translation>Der serielle Port %1 ist geschlossen. Schließen Sie das Gerät an und drücken Sie „Erneut versuchen“.</translation>
    </message>
    <message>
        <source>The request could not be framed.</source>
        <translation>Die Anfrage konnte nicht gerahmt werden.</translation>
    </message>
    <message>
        <source>Writing to %1 failed: %2</source>
        <translation>Schreiben auf %1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>The device refused the request: %1.</source>
        <translation>Das Gerät hat die Anfrage abgelehnt: %1.</translation>
    </message>
    <message>
        <source>Serial port error on %1: %2</source>
        <translation>Fehler am seriellen Port %1: %2</translation>
    </message>
    <message>
        <source>hang-up</source>
        <translation>Verbindung getrennt</translation>
    </message>
    <message>
        <source>The serial port %1 went away (%2): the device was unplugged or reset. Plug it in again and press Retry; the wizard continues where it stopped.</source>
        <translation>Der serielle Port %1 ist verschwunden (%2): Das Gerät wurde getrennt oder zurückgesetzt. Schließen Sie es wieder an und drücken Sie „Erneut versuchen“; der Assistent macht dort weiter, wo er stehen geblieben ist.</translation>
    </message>
    <message numerus="yes">
        <source>No valid answer: %n frame(s) from the device failed their checks (CRC or framing). Check the baud rate and the cable.</source>
        <translation>
            <numerusform>Keine gültige Antwort: %n Rahmen des Geräts hat die Prüfungen nicht bestanden (CRC oder Rahmung). Prüfen Sie Baudrate und Kabel.</numerusform>
            <numerusform>Keine gültige Antwort: %n Rahmen des Geräts haben die Prüfungen nicht bestanden (CRC oder Rahmung). Prüfen Sie Baudrate und Kabel.</numerusform>
        </translation>
    </message>
    <message>
        <source>The device did not answer. Check that it runs the sensor-node firmware, the baud rate, and that it is not still busy; then press Retry.</source>
        <translation>Das Gerät hat nicht geantwortet. Prüfen Sie, ob es die sensor-node-Firmware ausführt, die Baudrate und ob es noch beschäftigt ist; drücken Sie dann „Erneut versuchen“.</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::GatewayModel</name>
    <message>
        <source>Gateway</source>
        <translation>Gateway</translation>
    </message>
    <message>
        <source>IMPI</source>
        <translation>IMPI</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Zuletzt gesehen</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>Geräte</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <source>B-TID expiry</source>
        <translation>B-TID-Ablauf</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>Gesperrt</translation>
    </message>
    <message>
        <source>blocked</source>
        <translation>gesperrt</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::InstanceModel</name>
    <message>
        <source>Instance</source>
        <translation>Instanz</translation>
    </message>
    <message>
        <source>Backend</source>
        <translation>Backend</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>Klasse</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>Vorlage</translation>
    </message>
    <message>
        <source>Sharing</source>
        <translation>Nutzung</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>Geräte</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>shared (slot %1)</source>
        <translation>gemeinsam (Platz %1)</translation>
    </message>
    <message>
        <source>dedicated to %1</source>
        <translation>dediziert für %1</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::MainWindow</name>
    <message>
        <source>Gateways</source>
        <translation>Gateways</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>Geräte</translation>
    </message>
    <message>
        <source>Device classes</source>
        <translation>Geräteklassen</translation>
    </message>
    <message>
        <source>VM templates</source>
        <translation>VM-Vorlagen</translation>
    </message>
    <message>
        <source>Instances</source>
        <translation>Instanzen</translation>
    </message>
    <message>
        <source>Access policies</source>
        <translation>Zugriffsrichtlinien</translation>
    </message>
    <message>
        <source>Audit log</source>
        <translation>Audit-Protokoll</translation>
    </message>
    <message>
        <source>IoT Portal</source>
        <translation>IoT Portal</translation>
    </message>
    <message>
        <source>&amp;Block / unblock</source>
        <translation>&amp;Sperren / entsperren</translation>
    </message>
    <message>
        <source>&amp;New class…</source>
        <translation>&amp;Neue Klasse…</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>&amp;Bearbeiten…</translation>
    </message>
    <message>
        <source>Which class would a device get?</source>
        <translation>Welche Klasse würde ein Gerät erhalten?</translation>
    </message>
    <message>
        <source>vendor</source>
        <translation>Hersteller</translation>
    </message>
    <message>
        <source>type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>subscriber</source>
        <translation>Teilnehmer</translation>
    </message>
    <message>
        <source>cannot read the classes</source>
        <translation>Klassen können nicht gelesen werden</translation>
    </message>
    <message>
        <source>→ %1 (template %2, %3)</source>
        <translation>→ %1 (Vorlage %2, %3)</translation>
    </message>
    <message>
        <source>→ no class: the attach would be refused (portal.no_class)</source>
        <translation>→ keine Klasse: die Anmeldung würde abgelehnt (portal.no_class)</translation>
    </message>
    <message>
        <source>&amp;New template…</source>
        <translation>&amp;Neue Vorlage…</translation>
    </message>
    <message>
        <source>&amp;Re-provision</source>
        <translation>&amp;Neu bereitstellen</translation>
    </message>
    <message>
        <source>&amp;Dry run</source>
        <translation>&amp;Probelauf</translation>
    </message>
    <message>
        <source>Re&amp;concile</source>
        <translation>&amp;Abgleichen</translation>
    </message>
    <message>
        <source>&amp;New policy…</source>
        <translation>&amp;Neue Richtlinie…</translation>
    </message>
    <message>
        <source>De&amp;lete…</source>
        <translation>&amp;Löschen…</translation>
    </message>
    <message>
        <source>E&amp;xport CSV…</source>
        <translation>CSV e&amp;xportieren…</translation>
    </message>
    <message>
        <source>Export the audit log</source>
        <translation>Audit-Protokoll exportieren</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>Export fehlgeschlagen</translation>
    </message>
    <message>
        <source>Could not write %1. Choose a folder you can write to.</source>
        <translation>%1 konnte nicht geschrieben werden. Wählen Sie einen Ordner, in den Sie schreiben dürfen.</translation>
    </message>
    <message>
        <source>Database: %1 (%2)</source>
        <translation>Datenbank: %1 (%2)</translation>
    </message>
    <message>
        <source>PostgreSQL</source>
        <translation>PostgreSQL</translation>
    </message>
    <message>
        <source>SQLite</source>
        <translation>SQLite</translation>
    </message>
    <message>
        <source>Filter (Ctrl+F)</source>
        <translation>Filtern (Strg+F)</translation>
    </message>
    <message>
        <source>Gateways online %1/%2 · Devices %3 · Instances ready %4/%5 · Failures %6</source>
        <translation>Gateways online %1/%2 · Geräte %3 · Instanzen bereit %4/%5 · Fehler %6</translation>
    </message>
    <message>
        <source> · the database did not answer: %1</source>
        <translation> · die Datenbank hat nicht geantwortet: %1</translation>
    </message>
    <message>
        <source>Select a template to edit.</source>
        <translation>Wählen Sie eine Vorlage zum Bearbeiten aus.</translation>
    </message>
    <message>
        <source>Select a device class to edit.</source>
        <translation>Wählen Sie eine Geräteklasse zum Bearbeiten aus.</translation>
    </message>
    <message>
        <source>Select a policy to edit.</source>
        <translation>Wählen Sie eine Richtlinie zum Bearbeiten aus.</translation>
    </message>
    <message>
        <source>Select a policy to delete.</source>
        <translation>Wählen Sie eine Richtlinie zum Löschen aus.</translation>
    </message>
    <message>
        <source>Delete the access policy</source>
        <translation>Zugriffsrichtlinie löschen</translation>
    </message>
    <message>
        <source>Delete %1? Every instance stops granting what it grants within seconds.</source>
        <translation>%1 löschen? Jede Instanz hört innerhalb von Sekunden auf, zu gewähren, was die Richtlinie gewährt.</translation>
    </message>
    <message>
        <source>Could not delete the policy: %1</source>
        <translation>Die Richtlinie konnte nicht gelöscht werden: %1</translation>
    </message>
    <message>
        <source>Select an instance first.</source>
        <translation>Wählen Sie zuerst eine Instanz aus.</translation>
    </message>
    <message>
        <source>Could not queue the request: %1</source>
        <translation>Die Anfrage konnte nicht eingereiht werden: %1</translation>
    </message>
    <message>
        <source>Dry run of instance %1</source>
        <translation>Probelauf der Instanz %1</translation>
    </message>
    <message>
        <source>Re-provisioning of instance %1</source>
        <translation>Neubereitstellung der Instanz %1</translation>
    </message>
    <message>
        <source>%1: queued for the leading iot-portald…</source>
        <translation>%1: für den führenden iot-portald eingereiht…</translation>
    </message>
    <message>
        <source>Reconciliation</source>
        <translation>Abgleich</translation>
    </message>
    <message>
        <source>Reconciliation: queued for the leading iot-portald…</source>
        <translation>Abgleich: für den führenden iot-portald eingereiht…</translation>
    </message>
    <message>
        <source>outcome %1%2
%3</source>
        <translation>Ergebnis %1%2
%3</translation>
    </message>
    <message>
        <source>%1 done: %2</source>
        <translation>%1 abgeschlossen: %2</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>%1 done.</source>
        <translation>%1 abgeschlossen.</translation>
    </message>
    <message>
        <source>%1 failed; see the log below the instances.</source>
        <translation>%1 fehlgeschlagen; siehe das Protokoll unter den Instanzen.</translation>
    </message>
    <message>
        <source>Select a gateway first.</source>
        <translation>Wählen Sie zuerst ein Gateway aus.</translation>
    </message>
    <message>
        <source>Could not change the gateway: %1</source>
        <translation>Das Gateway konnte nicht geändert werden: %1</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Import configuration…</source>
        <translation>Konfiguration &amp;importieren…</translation>
    </message>
    <message>
        <source>Import templates, classes and policies</source>
        <translation>Vorlagen, Klassen und Richtlinien importieren</translation>
    </message>
    <message>
        <source>JSON files (*.json)</source>
        <translation>JSON-Dateien (*.json)</translation>
    </message>
    <message>
        <source>Import refused</source>
        <translation>Import abgelehnt</translation>
    </message>
    <message>
        <source>&amp;Export configuration…</source>
        <translation>Konfiguration &amp;exportieren…</translation>
    </message>
    <message>
        <source>Export templates, classes and policies</source>
        <translation>Vorlagen, Klassen und Richtlinien exportieren</translation>
    </message>
    <message>
        <source>%1

Choose a folder you can write to.</source>
        <translation>%1

Wählen Sie einen Ordner, in den Sie schreiben dürfen.</translation>
    </message>
    <message>
        <source>&amp;Pre-register devices from CSV…</source>
        <translation>Geräte aus CSV &amp;vorregistrieren…</translation>
    </message>
    <message>
        <source>Pre-register devices</source>
        <translation>Geräte vorregistrieren</translation>
    </message>
    <message>
        <source>Pre-registration refused</source>
        <translation>Vorregistrierung abgelehnt</translation>
    </message>
    <message>
        <source>Nothing was registered: %1</source>
        <translation>Es wurde nichts registriert: %1</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>&amp;Einstellungen</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Sprache</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Systemstandard</translation>
    </message>
    <message>
        <source>English</source>
        <translation>Englisch</translation>
    </message>
    <message>
        <source>The language changes when iot-portal starts again.</source>
        <translation>Die Sprache ändert sich beim nächsten Start von iot-portal.</translation>
    </message>
    <message>
        <source>The database did not answer: %1</source>
        <translation>Die Datenbank hat nicht geantwortet: %1</translation>
    </message>
    <message>
        <source>Could not write %1.</source>
        <translation>%1 konnte nicht geschrieben werden.</translation>
    </message>
    <message>
        <source>Exported the configuration to %1.</source>
        <translation>Die Konfiguration wurde nach %1 exportiert.</translation>
    </message>
    <message>
        <source>Could not read %1.</source>
        <translation>%1 konnte nicht gelesen werden.</translation>
    </message>
    <message>
        <source>%1 is larger than 4 MiB.</source>
        <translation>%1 ist größer als 4 MiB.</translation>
    </message>
    <message>
        <source>Imported %1 templates, %2 classes and %3 policies.</source>
        <translation>%1 Vorlagen, %2 Klassen und %3 Richtlinien importiert.</translation>
    </message>
    <message>
        <source>%1 of %2 devices registered.</source>
        <translation>%1 von %2 Geräten registriert.</translation>
    </message>
    <message>
        <source>Pre-registration report</source>
        <translation>Bericht zur Vorregistrierung</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>Zeile</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Gerät</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>S&amp;tart</source>
        <translation>S&amp;tarten</translation>
    </message>
    <message>
        <source>St&amp;op</source>
        <translation>St&amp;oppen</translation>
    </message>
    <message>
        <source>Re&amp;boot</source>
        <translation>&amp;Neu starten</translation>
    </message>
    <message>
        <source>Console &amp;log</source>
        <translation>Konsolen&amp;protokoll</translation>
    </message>
    <message>
        <source>Start of instance %1</source>
        <translation>Start der Instanz %1</translation>
    </message>
    <message>
        <source>Stop of instance %1</source>
        <translation>Stopp der Instanz %1</translation>
    </message>
    <message>
        <source>Reboot of instance %1</source>
        <translation>Neustart der Instanz %1</translation>
    </message>
    <message>
        <source>Console log of instance %1</source>
        <translation>Konsolenprotokoll der Instanz %1</translation>
    </message>
    <message>
        <source>Action on instance %1</source>
        <translation>Aktion für Instanz %1</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>Verbindungen</translation>
    </message>
    <message>
        <source>The import stopped: %1

Correct what it names and import the file again.</source>
        <translation>Der Import wurde abgebrochen: %1

Korrigieren Sie das Genannte und importieren Sie die Datei erneut.</translation>
    </message>
    <message>
        <source>Could not read the policies: %1</source>
        <translation>Die Richtlinien konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source> · live (PostgreSQL notifications)</source>
        <translation> · live (PostgreSQL-Benachrichtigungen)</translation>
    </message>
    <message>
        <source> · polled every %1 s</source>
        <translation> · alle %1 s abgefragt</translation>
    </message>
    <message>
        <source>Select a gateway to see its devices.</source>
        <translation>Wählen Sie ein Gateway, um seine Geräte zu sehen.</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>%1 (in %2 min)</source>
        <translation>%1 (in %2 min)</translation>
    </message>
    <message>
        <source>%1 (expired: it bootstraps again)</source>
        <translation>%1 (abgelaufen: es bootstrappt erneut)</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; · %2%3&lt;br&gt;IMPI %4 · software %5 · last heartbeat %6&lt;br&gt;reports %7 devices, %8 readings queued · B-TID expiry %9</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; · %2%3&lt;br&gt;IMPI %4 · Software %5 · letzter Heartbeat %6&lt;br&gt;meldet %7 Geräte, %8 Messwerte in der Warteschlange · B-TID läuft ab %9</translation>
    </message>
    <message>
        <source> · &lt;b&gt;blocked&lt;/b&gt;</source>
        <translation> · &lt;b&gt;gesperrt&lt;/b&gt;</translation>
    </message>
    <message>
        <source>not bound yet</source>
        <translation>noch nicht gebunden</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>&lt;br&gt;Its devices cannot be read: %1</source>
        <translation>&lt;br&gt;Seine Geräte können nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>%1 (%2, %3)</source>
        <translation>%1 (%2, %3)</translation>
    </message>
    <message>
        <source>&lt;br&gt;Devices attached through it (%1): %2</source>
        <translation>&lt;br&gt;Darüber angebundene Geräte (%1): %2</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keines</translation>
    </message>
    <message>
        <source>Re-provisioning and dry runs show Puppet&apos;s output here as it runs; reconciliation, start/stop/reboot, deletion and console logs appear when the leading iot-portald has done them.</source>
        <translation>Neu-Provisionierung und Probeläufe zeigen die Ausgabe von Puppet hier, während sie laufen; Abgleich, Start/Stopp/Neustart, Löschen und Konsolenprotokolle erscheinen, sobald der führende iot-portald sie erledigt hat.</translation>
    </message>
    <message>
        <source>Delete the instance</source>
        <translation>Instanz löschen</translation>
    </message>
    <message numerus="yes">
        <source>Delete instance %1? Its machine and its data are removed. Its %n device(s) fail now and are placed on another instance when their gateways attach them again.</source>
        <translation>
            <numerusform>Instanz %1 löschen? Ihre Maschine und ihre Daten werden entfernt. Ihr %n Gerät schlägt jetzt fehl und wird einer anderen Instanz zugeordnet, wenn sein Gateway es wieder anmeldet.</numerusform>
            <numerusform>Instanz %1 löschen? Ihre Maschine und ihre Daten werden entfernt. Ihre %n Geräte schlagen jetzt fehl und werden einer anderen Instanz zugeordnet, wenn ihre Gateways sie wieder anmelden.</numerusform>
        </translation>
    </message>
    <message>
        <source>Deletion of instance %1</source>
        <translation>Löschen der Instanz %1</translation>
    </message>
    <message>
        <source>%1 is running:</source>
        <translation>%1 läuft:</translation>
    </message>
    <message>
        <source>Pro&amp;vision a device over serial…</source>
        <translation>Gerät über serielle Schnittstelle pro&amp;visionieren…</translation>
    </message>
    <message>
        <source>Gateway &amp;ids allowed…</source>
        <translation>Erlaubte Gateway-&amp;IDs…</translation>
    </message>
    <message>
        <source>Failed authentications</source>
        <translation>Fehlgeschlagene Authentifizierungen</translation>
    </message>
    <message numerus="yes">
        <source>&lt;br&gt;Its subscriber may enrol %n gateway id(s).</source>
        <translation>
            <numerusform>&lt;br&gt;Sein Teilnehmer darf %n Gateway-ID registrieren.</numerusform>
            <numerusform>&lt;br&gt;Sein Teilnehmer darf %n Gateway-IDs registrieren.</numerusform>
        </translation>
    </message>
    <message>
        <source>&lt;br&gt;Its subscriber&apos;s allowance cannot be read: %1</source>
        <translation>&lt;br&gt;Das Kontingent seines Teilnehmers kann nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Select a gateway that has enrolled first.</source>
        <translation>Wählen Sie zuerst ein Gateway, das sich bereits registriert hat.</translation>
    </message>
    <message>
        <source>Gateway ids allowed</source>
        <translation>Erlaubte Gateway-IDs</translation>
    </message>
    <message>
        <source>How many gateway ids may subscriber %1 enrol? (Each further id is refused at the NAF until this allows it.)</source>
        <translation>Wie viele Gateway-IDs darf der Teilnehmer %1 registrieren? (Jede weitere ID wird von der NAF abgelehnt, bis dies sie erlaubt.)</translation>
    </message>
    <message>
        <source>Could not change the allowance: %1</source>
        <translation>Das Kontingent konnte nicht geändert werden: %1</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::PolicyEditor</name>
    <message>
        <source>Create</source>
        <translation>Erstellen</translation>
    </message>
    <message>
        <source>Retrieve</source>
        <translation>Abrufen</translation>
    </message>
    <message>
        <source>Update</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Notify</source>
        <translation>Benachrichtigen</translation>
    </message>
    <message>
        <source>Discover</source>
        <translation>Ermitteln</translation>
    </message>
    <message>
        <source>Edit access policy %1</source>
        <translation>Zugriffsrichtlinie %1 bearbeiten</translation>
    </message>
    <message>
        <source>New access policy</source>
        <translation>Neue Zugriffsrichtlinie</translation>
    </message>
    <message>
        <source>letters, digits, . _ -</source>
        <translation>Buchstaben, Ziffern, . _ -</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>Originators</source>
        <translation>Urheber</translation>
    </message>
    <message>
        <source>Time windows (UTC cron; &apos;;&apos; between)</source>
        <translation>Zeitfenster (UTC-cron; &apos;;&apos; dazwischen)</translation>
    </message>
    <message>
        <source>IPv4 ranges</source>
        <translation>IPv4-Bereiche</translation>
    </message>
    <message>
        <source>IPv6 ranges</source>
        <translation>IPv6-Bereiche</translation>
    </message>
    <message>
        <source>Comma separated: an id, &apos;all&apos;, or a pattern with * and ?</source>
        <translation>Durch Kommas getrennt: eine ID, &apos;all&apos; oder ein Muster mit * und ?</translation>
    </message>
    <message>
        <source>&amp;Add rule</source>
        <translation>Regel &amp;hinzufügen</translation>
    </message>
    <message>
        <source>&amp;Remove rule</source>
        <translation>Regel &amp;entfernen</translation>
    </message>
    <message>
        <source>A request is granted when a rule names its originator, has its operation, and its time windows and address ranges (when given) hold.</source>
        <translation>Eine Anfrage wird gewährt, wenn eine Regel ihren Urheber nennt, ihre Operation enthält und die Zeitfenster und Adressbereiche der Regel (falls angegeben) zutreffen.</translation>
    </message>
    <message>
        <source>The stored policy does not parse (%1); replace it by importing a corrected one.</source>
        <translation>Die gespeicherte Richtlinie lässt sich nicht einlesen (%1); ersetzen Sie sie, indem Sie eine korrigierte importieren.</translation>
    </message>
    <message>
        <source>This policy has contexts this table cannot show (several per rule, or location regions); it is shown read-only. Export, edit and import it as JSON to change it.</source>
        <translation>Diese Richtlinie enthält Kontexte, die diese Tabelle nicht darstellen kann (mehrere pro Regel oder Standortregionen); sie wird schreibgeschützt angezeigt. Um sie zu ändern, exportieren, bearbeiten und importieren Sie sie als JSON.</translation>
    </message>
    <message>
        <source>The name must be 1 to 64 letters, digits, dots, underscores or dashes.</source>
        <translation>Der Name muss aus 1 bis 64 Buchstaben, Ziffern, Punkten, Unterstrichen oder Bindestrichen bestehen.</translation>
    </message>
    <message>
        <source>Add at least one rule; a policy without rules grants nothing.</source>
        <translation>Fügen Sie mindestens eine Regel hinzu; eine Richtlinie ohne Regeln gewährt nichts.</translation>
    </message>
    <message>
        <source>Rule %1 names no originator (use &apos;all&apos; for anyone).</source>
        <translation>Regel %1 nennt keinen Urheber (verwenden Sie &apos;all&apos; für alle).</translation>
    </message>
    <message>
        <source>Rule %1 allows no operation; tick at least one.</source>
        <translation>Regel %1 erlaubt keine Operation; kreuzen Sie mindestens eine an.</translation>
    </message>
    <message>
        <source>Rule %1: &apos;%2&apos; is not six cron fields (second minute hour day month weekday), e.g. &apos;* * 8-17 * * 1-5&apos;.</source>
        <translation>Regel %1: &apos;%2&apos; besteht nicht aus sechs cron-Feldern (Sekunde Minute Stunde Tag Monat Wochentag), z. B. &apos;* * 8-17 * * 1-5&apos;.</translation>
    </message>
    <message>
        <source>Rule %1: &apos;%2&apos; is not an %3 address or CIDR range.</source>
        <translation>Regel %1: &apos;%2&apos; ist weder eine %3-Adresse noch ein CIDR-Bereich.</translation>
    </message>
    <message>
        <source>IPv6</source>
        <translation>IPv6</translation>
    </message>
    <message>
        <source>IPv4</source>
        <translation>IPv4</translation>
    </message>
    <message>
        <source>The instances would refuse this policy: %1</source>
        <translation>Die Instanzen würden diese Richtlinie ablehnen: %1</translation>
    </message>
    <message>
        <source>The store refused the policy: %1</source>
        <translation>Der Datenspeicher hat die Richtlinie abgelehnt: %1</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::PolicyModel</name>
    <message>
        <source>Policy</source>
        <translation>Richtlinie</translation>
    </message>
    <message>
        <source>Rules</source>
        <translation>Regeln</translation>
    </message>
    <message>
        <source>Originators</source>
        <translation>Urheber</translation>
    </message>
    <message>
        <source>Operations</source>
        <translation>Operationen</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>Aktualisiert</translation>
    </message>
    <message>
        <source>create</source>
        <translation>erstellen</translation>
    </message>
    <message>
        <source>retrieve</source>
        <translation>abrufen</translation>
    </message>
    <message>
        <source>update</source>
        <translation>aktualisieren</translation>
    </message>
    <message>
        <source>delete</source>
        <translation>löschen</translation>
    </message>
    <message>
        <source>notify</source>
        <translation>benachrichtigen</translation>
    </message>
    <message>
        <source>discover</source>
        <translation>ermitteln</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::PolicyTester</name>
    <message>
        <source>originator, e.g. Cviewer</source>
        <translation>Urheber, z. B. Cviewer</translation>
    </message>
    <message>
        <source>from address, e.g. 10.0.0.5</source>
        <translation>Absenderadresse, z. B. 10.0.0.5</translation>
    </message>
    <message>
        <source>May</source>
        <translation>Darf</translation>
    </message>
    <message>
        <source>from</source>
        <translation>von</translation>
    </message>
    <message>
        <source>at</source>
        <translation>um</translation>
    </message>
    <message>
        <source>Type an originator to test the policies.</source>
        <translation>Geben Sie einen Urheber ein, um die Richtlinien zu testen.</translation>
    </message>
    <message>
        <source>Cannot read the policies: %1</source>
        <translation>Die Richtlinien können nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an IP address.</source>
        <translation>&apos;%1&apos; ist keine IP-Adresse.</translation>
    </message>
    <message>
        <source>→ granted by policy %1, rule %2</source>
        <translation>→ gewährt durch Richtlinie %1, Regel %2</translation>
    </message>
    <message>
        <source>→ refused: no rule of the stored policies grants it</source>
        <translation>→ abgelehnt: keine Regel der gespeicherten Richtlinien gewährt dies</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::ProvisioningWizard</name>
    <message>
        <source>factory (not provisioned)</source>
        <translation>Werkszustand (nicht provisioniert)</translation>
    </message>
    <message>
        <source>configured, no key yet</source>
        <translation>konfiguriert, noch kein Schlüssel</translation>
    </message>
    <message>
        <source>key generated, not locked</source>
        <translation>Schlüssel erzeugt, nicht gesperrt</translation>
    </message>
    <message>
        <source>locked</source>
        <translation>gesperrt</translation>
    </message>
    <message>
        <source>the reading is not a valid COSE_Sign1 (%1)</source>
        <translation>der Messwert ist kein gültiges COSE_Sign1 (%1)</translation>
    </message>
    <message>
        <source>the reading names another device</source>
        <translation>der Messwert nennt ein anderes Gerät</translation>
    </message>
    <message>
        <source>the registered key is not a P-256 point</source>
        <translation>der registrierte Schlüssel ist kein P-256-Punkt</translation>
    </message>
    <message>
        <source>the signature does not verify with the registered key</source>
        <translation>die Signatur lässt sich mit dem registrierten Schlüssel nicht verifizieren</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Erneut versuchen</translation>
    </message>
    <message>
        <source>Failed:</source>
        <translation>Fehlgeschlagen:</translation>
    </message>
    <message>
        <source>Serial port</source>
        <translation>Serieller Port</translation>
    </message>
    <message>
        <source>Connect the device over USB and choose its port, or type the port&apos;s path.</source>
        <translation>Schließen Sie das Gerät über USB an und wählen Sie seinen Port oder geben Sie den Pfad des Ports ein.</translation>
    </message>
    <message>
        <source>Rescan</source>
        <translation>Neu suchen</translation>
    </message>
    <message>
        <source>Batch: provision several devices on this port with the same choices</source>
        <translation>Serie: mehrere Geräte an diesem Port mit denselben Einstellungen provisionieren</translation>
    </message>
    <message>
        <source>Port:</source>
        <translation>Port:</translation>
    </message>
    <message>
        <source>Baud rate:</source>
        <translation>Baudrate:</translation>
    </message>
    <message>
        <source>Identify</source>
        <translation>Identifizieren</translation>
    </message>
    <message>
        <source>The wizard asks the device who it is (PROV_INFO).</source>
        <translation>Der Assistent fragt das Gerät, wer es ist (PROV_INFO).</translation>
    </message>
    <message>
        <source>Asking the device for its identity…</source>
        <translation>Das Gerät wird nach seiner Identität gefragt…</translation>
    </message>
    <message>
        <source>The device&apos;s answer did not decode: its firmware speaks another protocol.</source>
        <translation>Die Antwort des Geräts ließ sich nicht dekodieren: Seine Firmware spricht ein anderes Protokoll.</translation>
    </message>
    <message>
        <source>Device %1&lt;br&gt;Board: %2&lt;br&gt;Firmware: %3&lt;br&gt;State: %4</source>
        <translation>Gerät %1&lt;br&gt;Board: %2&lt;br&gt;Firmware: %3&lt;br&gt;Zustand: %4</translation>
    </message>
    <message>
        <source>Unknown board “%1”: this wizard provisions %2 only.</source>
        <translation>Unbekanntes Board „%1“: Dieser Assistent provisioniert nur %2.</translation>
    </message>
    <message>
        <source>Firmware %1 is too old: update it to %2 or later.</source>
        <translation>Firmware %1 ist zu alt: Aktualisieren Sie sie auf %2 oder neuer.</translation>
    </message>
    <message>
        <source>Device %1 is already provisioned and locked. To provision it again, erase its EEPROM (factory reset) first.</source>
        <translation>Gerät %1 ist bereits provisioniert und gesperrt. Um es erneut zu provisionieren, löschen Sie zuerst sein EEPROM (Werksreset).</translation>
    </message>
    <message>
        <source>Its key is already registered (class %1): the wizard continues where it stopped.</source>
        <translation>Sein Schlüssel ist bereits registriert (Klasse %1): Der Assistent macht dort weiter, wo er stehen geblieben ist.</translation>
    </message>
    <message>
        <source>Re-provision: replace the key registered for %1 (class %2). Readings signed with the old key will no longer be accepted.</source>
        <translation>Neu provisionieren: den für %1 registrierten Schlüssel ersetzen (Klasse %2). Mit dem alten Schlüssel signierte Messwerte werden nicht mehr angenommen.</translation>
    </message>
    <message>
        <source>&lt;b&gt;This device is already registered.&lt;/b&gt;</source>
        <translation>&lt;b&gt;Dieses Gerät ist bereits registriert.&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Class and radio</source>
        <translation>Klasse und Funk</translation>
    </message>
    <message>
        <source>The class decides where the device&apos;s data goes; the radio settings must match its gateway.</source>
        <translation>Die Klasse entscheidet, wohin die Daten des Geräts gehen; die Funkeinstellungen müssen zu seinem Gateway passen.</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Device class:</source>
        <translation>Geräteklasse:</translation>
    </message>
    <message>
        <source>Vendor:</source>
        <translation>Hersteller:</translation>
    </message>
    <message>
        <source>Type:</source>
        <translation>Typ:</translation>
    </message>
    <message>
        <source>Subscriber:</source>
        <translation>Teilnehmer:</translation>
    </message>
    <message>
        <source>PAN id:</source>
        <translation>PAN-ID:</translation>
    </message>
    <message>
        <source>Channel:</source>
        <translation>Kanal:</translation>
    </message>
    <message>
        <source>Reporting interval:</source>
        <translation>Meldeintervall:</translation>
    </message>
    <message>
        <source>Chosen by the match rules</source>
        <translation>Durch die Zuordnungsregeln gewählt</translation>
    </message>
    <message>
        <source>The attributes match class %1.</source>
        <translation>Die Attribute passen zur Klasse %1.</translation>
    </message>
    <message>
        <source>These attributes do not match class %1: a gateway would place the device elsewhere. Adjust them.</source>
        <translation>Diese Attribute passen nicht zur Klasse %1: Ein Gateway würde das Gerät anderswo einordnen. Passen Sie sie an.</translation>
    </message>
    <message>
        <source>The match rules choose class %1.</source>
        <translation>Die Zuordnungsregeln wählen die Klasse %1.</translation>
    </message>
    <message>
        <source>No device class matches these attributes. Add a class first, or change them.</source>
        <translation>Keine Geräteklasse passt zu diesen Attributen. Legen Sie zuerst eine Klasse an oder ändern Sie sie.</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>The device writes its settings and generates its key pair; only the public key leaves it. The wizard then registers the device with the portal.</source>
        <translation>Das Gerät speichert seine Einstellungen und erzeugt sein Schlüsselpaar; nur der öffentliche Schlüssel verlässt es. Dann registriert der Assistent das Gerät beim Portal.</translation>
    </message>
    <message>
        <source>A class attribute is longer than 24 bytes.</source>
        <translation>Ein Klassenattribut ist länger als 24 Byte.</translation>
    </message>
    <message>
        <source>The portal&apos;s device-authority key is not in the database yet. Start iot-portald once with this database (it stores the key), then try again.</source>
        <translation>Der Geräte-Autorisierungsschlüssel des Portals ist noch nicht in der Datenbank. Starten Sie iot-portald einmal mit dieser Datenbank (es speichert den Schlüssel) und versuchen Sie es dann erneut.</translation>
    </message>
    <message>
        <source>Step 1 of 3: writing the settings to the device…</source>
        <translation>Schritt 1 von 3: Die Einstellungen werden auf das Gerät geschrieben…</translation>
    </message>
    <message>
        <source>Settings written. The device&apos;s key was already registered: fingerprint %1.</source>
        <translation>Einstellungen geschrieben. Der Schlüssel des Geräts war bereits registriert: Fingerabdruck %1.</translation>
    </message>
    <message>
        <source>The device&apos;s key answer did not decode.</source>
        <translation>Die Schlüsselantwort des Geräts ließ sich nicht dekodieren.</translation>
    </message>
    <message>
        <source>Step 3 of 3: registering the device with the portal…</source>
        <translation>Schritt 3 von 3: Das Gerät wird beim Portal registriert…</translation>
    </message>
    <message>
        <source>Key generated on the device and registered.&lt;br&gt;Public key fingerprint: &lt;b&gt;%1&lt;/b&gt;</source>
        <translation>Schlüssel auf dem Gerät erzeugt und registriert.&lt;br&gt;Fingerabdruck des öffentlichen Schlüssels: &lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Device %1 was registered meanwhile; go back to Identify.</source>
        <translation>Gerät %1 wurde inzwischen registriert; gehen Sie zurück zu „Identifizieren“.</translation>
    </message>
    <message>
        <source>Verify</source>
        <translation>Prüfen</translation>
    </message>
    <message>
        <source>The device signs one reading; the wizard checks it with the registered key.</source>
        <translation>Das Gerät signiert einen Messwert; der Assistent prüft ihn mit dem registrierten Schlüssel.</translation>
    </message>
    <message>
        <source>The device signs a test reading…</source>
        <translation>Das Gerät signiert einen Testmesswert…</translation>
    </message>
    <message>
        <source>Verification failed: %1.</source>
        <translation>Prüfung fehlgeschlagen: %1.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Passed.&lt;/b&gt; Reading %1 %2 (counter %3), signature verified with the registered key.</source>
        <translation>&lt;b&gt;Bestanden.&lt;/b&gt; Messwert %1 %2 (Zähler %3), Signatur mit dem registrierten Schlüssel verifiziert.</translation>
    </message>
    <message>
        <source>Lock and finish</source>
        <translation>Sperren und abschließen</translation>
    </message>
    <message>
        <source>Locking ends provisioning mode: the device starts looking for its gateway.</source>
        <translation>Das Sperren beendet den Provisionierungsmodus: Das Gerät beginnt, sein Gateway zu suchen.</translation>
    </message>
    <message>
        <source>Locking the device…</source>
        <translation>Das Gerät wird gesperrt…</translation>
    </message>
    <message>
        <source>&lt;b&gt;Device %1 is provisioned.&lt;/b&gt;&lt;br&gt;On the device (EEPROM): PAN id 0x%2, channel %3, reporting every %4 s, class attributes %5/%6/%7, its private key; provisioning locked.&lt;br&gt;In the portal store: device %1, class %8, public key fingerprint %9.</source>
        <translation>&lt;b&gt;Gerät %1 ist provisioniert.&lt;/b&gt;&lt;br&gt;Auf dem Gerät (EEPROM): PAN-ID 0x%2, Kanal %3, Meldung alle %4 s, Klassenattribute %5/%6/%7, sein privater Schlüssel; Provisionierung gesperrt.&lt;br&gt;Im Datenspeicher des Portals: Gerät %1, Klasse %8, Fingerabdruck des öffentlichen Schlüssels %9.</translation>
    </message>
    <message>
        <source>Provision a device</source>
        <translation>Gerät provisionieren</translation>
    </message>
    <message>
        <source>Next device</source>
        <translation>Nächstes Gerät</translation>
    </message>
    <message>
        <source>Save report…</source>
        <translation>Bericht speichern…</translation>
    </message>
    <message>
        <source>Save batch report</source>
        <translation>Serienbericht speichern</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <source>Report not saved</source>
        <translation>Bericht nicht gespeichert</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>%1 konnte nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Step 2 of 3: the device generates its key pair (about 2 s on an ATmega2560)…</source>
        <translation>Schritt 2 von 3: Das Gerät erzeugt sein Schlüsselpaar (etwa 2 s auf einem ATmega2560)…</translation>
    </message>
    <message>
        <source>The registration of device %1 changed meanwhile; go back to Identify.</source>
        <translation>Die Registrierung von Gerät %1 hat sich inzwischen geändert; gehen Sie zurück zu „Identifizieren“.</translation>
    </message>
    <message>
        <source>Its class is now %1 (it was %2).</source>
        <translation>Seine Klasse ist jetzt %1 (vorher %2).</translation>
    </message>
    <message>
        <source>Write the portal&apos;s device-authority key</source>
        <translation>Geräte-Autorisierungsschlüssel des Portals schreiben</translation>
    </message>
    <message>
        <source>Writing the portal&apos;s device-authority key…</source>
        <translation>Der Geräte-Autorisierungsschlüssel des Portals wird geschrieben…</translation>
    </message>
    <message>
        <source>Device %1 now holds the portal&apos;s device-authority key: it attaches through the portal&apos;s gateways again. Nothing else changed; close the wizard or connect the next device.</source>
        <translation>Gerät %1 hat jetzt den Geräte-Autorisierungsschlüssel des Portals: es verbindet sich wieder über die Gateways des Portals. Sonst hat sich nichts geändert; schließen Sie den Assistenten oder schließen Sie das nächste Gerät an.</translation>
    </message>
    <message>
        <source>&lt;b&gt;This device holds no device-authority key&lt;/b&gt; (it was provisioned before device-link version 2), so no gateway can attach it. Write the portal&apos;s key into it; its identity, key and readings stay as they are.</source>
        <translation>&lt;b&gt;Dieses Gerät hat keinen Geräte-Autorisierungsschlüssel&lt;/b&gt; (es wurde vor Version 2 der Geräteverbindung eingerichtet), daher kann kein Gateway es verbinden. Schreiben Sie den Schlüssel des Portals hinein; Identität, Schlüssel und Messwerte bleiben unverändert.</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::StoreTableModel</name>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>online</source>
        <translation>online</translation>
    </message>
    <message>
        <source>stale</source>
        <translation>veraltet</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>offline</translation>
    </message>
    <message>
        <source>verified</source>
        <translation>verifiziert</translation>
    </message>
    <message>
        <source>bad signature</source>
        <translation>ungültige Signatur</translation>
    </message>
    <message>
        <source>replayed</source>
        <translation>wiederholt</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>abgelehnt</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::TemplateCloudCheck</name>
    <message>
        <source>%1 %2: not found: %3</source>
        <translation>%1 %2: nicht gefunden: %3</translation>
    </message>
    <message>
        <source>%1 %2: found (%3)</source>
        <translation>%1 %2: gefunden (%3)</translation>
    </message>
    <message>
        <source>image</source>
        <translation>Abbild</translation>
    </message>
    <message>
        <source>network</source>
        <translation>Netzwerk</translation>
    </message>
    <message>
        <source>flavor</source>
        <translation>Variante</translation>
    </message>
    <message>
        <source>the cloud has %1</source>
        <translation>die Cloud hat %1</translation>
    </message>
    <message>
        <source>%1 vCPU, %2 MiB</source>
        <translation>%1 vCPU, %2 MiB</translation>
    </message>
    <message>
        <source>%1 %2: found</source>
        <translation>%1 %2: gefunden</translation>
    </message>
    <message>
        <source>%1 %2: not found: the cloud has %3</source>
        <translation>%1 %2: nicht gefunden: die Cloud hat %3</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>key pair</source>
        <translation>Schlüsselpaar</translation>
    </message>
    <message>
        <source>security group</source>
        <translation>Sicherheitsgruppe</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::TemplateEditor</name>
    <message>
        <source>Edit VM template %1</source>
        <translation>VM-Vorlage %1 bearbeiten</translation>
    </message>
    <message>
        <source>New VM template</source>
        <translation>Neue VM-Vorlage</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>letters, digits, . _ -</source>
        <translation>Buchstaben, Ziffern, . _ -</translation>
    </message>
    <message>
        <source>&amp;Image:</source>
        <translation>&amp;Abbild:</translation>
    </message>
    <message>
        <source>Glance image name or id</source>
        <translation>Name oder ID des Glance-Abbilds</translation>
    </message>
    <message>
        <source>&amp;Flavor:</source>
        <translation>&amp;Variante:</translation>
    </message>
    <message>
        <source>Nova flavor name or id</source>
        <translation>Name oder ID der Nova-Variante</translation>
    </message>
    <message>
        <source>Net&amp;work:</source>
        <translation>N&amp;etzwerk:</translation>
    </message>
    <message>
        <source>name, id, or none</source>
        <translation>Name, ID oder none</translation>
    </message>
    <message>
        <source>&amp;Key pair:</source>
        <translation>&amp;Schlüsselpaar:</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>optional</translation>
    </message>
    <message>
        <source>&amp;Security groups:</source>
        <translation>Sicherheits&amp;gruppen:</translation>
    </message>
    <message>
        <source>comma separated</source>
        <translation>durch Kommas getrennt</translation>
    </message>
    <message>
        <source>default (8443)</source>
        <translation>Standard (8443)</translation>
    </message>
    <message>
        <source>Service &amp;port:</source>
        <translation>Dienst-&amp;Port:</translation>
    </message>
    <message>
        <source>cloud-init user data (optional)</source>
        <translation>cloud-init-Benutzerdaten (optional)</translation>
    </message>
    <message>
        <source>&amp;User data:</source>
        <translation>&amp;Benutzerdaten:</translation>
    </message>
    <message>
        <source>Puppet as JSON: {&quot;classes&quot;: [...], &quot;packages&quot;: [...], &quot;files&quot;: [...], &quot;services&quot;: [...]}</source>
        <translation>Puppet als JSON: {&quot;classes&quot;: [...], &quot;packages&quot;: [...], &quot;files&quot;: [...], &quot;services&quot;: [...]}</translation>
    </message>
    <message>
        <source>&amp;Puppet:</source>
        <translation>P&amp;uppet:</translation>
    </message>
    <message>
        <source>Preview shows the rendered manifest here.</source>
        <translation>Die Vorschau zeigt hier das erzeugte Manifest.</translation>
    </message>
    <message>
        <source>Manifest:</source>
        <translation>Manifest:</translation>
    </message>
    <message>
        <source>P&amp;review manifest</source>
        <translation>&amp;Manifest-Vorschau</translation>
    </message>
    <message>
        <source>The name must be 1 to 64 letters, digits, dots, underscores or dashes.</source>
        <translation>Der Name muss aus 1 bis 64 Buchstaben, Ziffern, Punkten, Unterstrichen oder Bindestrichen bestehen.</translation>
    </message>
    <message>
        <source>%1 is longer than 255 characters.</source>
        <translation>%1 ist länger als 255 Zeichen.</translation>
    </message>
    <message>
        <source>The user data is over 48 KiB; Nova takes at most 64 KiB in base64.</source>
        <translation>Die Benutzerdaten sind größer als 48 KiB; Nova akzeptiert höchstens 64 KiB in Base64.</translation>
    </message>
    <message>
        <source>Puppet must be a JSON object: %1 at character %2.</source>
        <translation>Puppet muss ein JSON-Objekt sein: %1 bei Zeichen %2.</translation>
    </message>
    <message>
        <source>Puppet: %1</source>
        <translation>Puppet: %1</translation>
    </message>
    <message>
        <source>(no Puppet content: configuring will be skipped)</source>
        <translation>(kein Puppet-Inhalt: die Konfiguration wird übersprungen)</translation>
    </message>
    <message>
        <source>The store refused the template: %1</source>
        <translation>Der Datenspeicher hat die Vorlage abgelehnt: %1</translation>
    </message>
    <message>
        <source>&amp;Validate against the cloud</source>
        <translation>In der &amp;Cloud prüfen</translation>
    </message>
    <message>
        <source>Asking the cloud…</source>
        <translation>Die Cloud wird gefragt…</translation>
    </message>
    <message>
        <source>Not checked: %1</source>
        <translation>Nicht geprüft: %1</translation>
    </message>
    <message>
        <source>The cloud has all of it:</source>
        <translation>Die Cloud hat alles:</translation>
    </message>
    <message>
        <source>The cloud lacks some:</source>
        <translation>Der Cloud fehlt einiges:</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::TemplateModel</name>
    <message>
        <source>Template</source>
        <translation>Vorlage</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>Abbild</translation>
    </message>
    <message>
        <source>Flavor</source>
        <translation>Variante</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>Netzwerk</translation>
    </message>
    <message>
        <source>Key pair</source>
        <translation>Schlüsselpaar</translation>
    </message>
    <message>
        <source>Security groups</source>
        <translation>Sicherheitsgruppen</translation>
    </message>
    <message>
        <source>Puppet</source>
        <translation>Puppet</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nein</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>IoT Portal: manage gateways, devices, device classes, VM templates and instances.</source>
        <translation>IoT Portal: Gateways, Geräte, Geräteklassen, VM-Vorlagen und Instanzen verwalten.</translation>
    </message>
    <message>
        <source>SQLite file or postgresql://user:pw@host:port/db.</source>
        <translation>SQLite-Datei oder postgresql://user:pw@host:port/db.</translation>
    </message>
    <message>
        <source>How often the views re-read the store.</source>
        <translation>Wie oft die Ansichten den Datenspeicher neu einlesen.</translation>
    </message>
    <message>
        <source>The portal&apos;s PKI folder (as given to iot-portald): its portal-admin certificate reads readings and sends commands on instances.</source>
        <translation>Der PKI-Ordner des Portals (wie an iot-portald übergeben): Mit seinem portal-admin-Zertifikat werden Messwerte gelesen und Befehle an Instanzen gesendet.</translation>
    </message>
    <message>
        <source>IoT Portal</source>
        <translation>IoT Portal</translation>
    </message>
    <message>
        <source>Cannot open the database %1: %2

Check the path or URL given with --database.</source>
        <translation>Die Datenbank %1 kann nicht geöffnet werden: %2

Prüfen Sie den mit --database angegebenen Pfad oder die URL.</translation>
    </message>
    <message>
        <source>Cannot use the PKI folder %1: %2

Give --pki-dir the folder iot-portald uses.</source>
        <translation>Der PKI-Ordner %1 kann nicht verwendet werden: %2

Geben Sie bei --pki-dir den Ordner an, den iot-portald verwendet.</translation>
    </message>
    <message>
        <source>fi, de or en; default: the one chosen in Settings, else the system&apos;s.</source>
        <translation>fi, de oder en; Standard: die in den Einstellungen gewählte Sprache, sonst die des Systems.</translation>
    </message>
    <message>
        <source>Open on the embedded lab (scripts/demo), starting it if it is not running; it stops with the window.</source>
        <translation>Öffnet das eingebettete Labor (scripts/demo) und startet es, falls es nicht läuft; es endet mit dem Fenster.</translation>
    </message>
    <message>
        <source>The lab&apos;s folder for --demo.</source>
        <translation>Der Ordner des Labors für --demo.</translation>
    </message>
    <message>
        <source>Starting the lab…</source>
        <translation>Das Labor wird gestartet…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>IoT Portal demo</source>
        <translation>IoT Portal-Demo</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Abgebrochen.</translation>
    </message>
    <message>
        <source>The lab did not start: %1</source>
        <translation>Das Labor ist nicht gestartet: %1</translation>
    </message>
</context>
</TS>
