<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fi_FI">
<context>
    <name>Portal::Gui::AuditModel</name>
    <message>
        <source>Time</source>
        <translation>Aika</translation>
    </message>
    <message>
        <source>Actor</source>
        <translation>Tekijä</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Toiminto</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Kohde</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Lisätiedot</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::AuthFailureModel</name>
    <message>
        <source>Minute</source>
        <translation>Minuutti</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Lähde</translation>
    </message>
    <message>
        <source>Claimed identity</source>
        <translation>Väitetty identiteetti</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Syy</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>Määrä</translation>
    </message>
    <message>
        <source>Last</source>
        <translation>Viimeksi</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::ClassEditor</name>
    <message>
        <source>Edit device class %1</source>
        <translation>Muokkaa laiteluokkaa %1</translation>
    </message>
    <message>
        <source>New device class</source>
        <translation>Uusi laiteluokka</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Nimi:</translation>
    </message>
    <message>
        <source>letters, digits, . _ -</source>
        <translation>kirjaimia, numeroita, . _ -</translation>
    </message>
    <message>
        <source>&amp;Vendor:</source>
        <translation>&amp;Valmistaja:</translation>
    </message>
    <message>
        <source>empty matches any</source>
        <translation>tyhjä vastaa mitä tahansa</translation>
    </message>
    <message>
        <source>&amp;Type:</source>
        <translation>&amp;Tyyppi:</translation>
    </message>
    <message>
        <source>S&amp;ubscriber:</source>
        <translation>T&amp;ilaaja:</translation>
    </message>
    <message>
        <source>&amp;Priority:</source>
        <translation>&amp;Prioriteetti:</translation>
    </message>
    <message>
        <source>VM te&amp;mplate:</source>
        <translation>VM-p&amp;ohja:</translation>
    </message>
    <message>
        <source>shared</source>
        <translation>jaettu</translation>
    </message>
    <message>
        <source>dedicated</source>
        <translation>erillinen</translation>
    </message>
    <message>
        <source>S&amp;haring:</source>
        <translation>&amp;Jakaminen:</translation>
    </message>
    <message>
        <source>&amp;Capacity:</source>
        <translation>&amp;Kapasiteetti:</translation>
    </message>
    <message>
        <source>preregistered</source>
        <translation>ennalta rekisteröity</translation>
    </message>
    <message>
        <source>open (trust on first attach)</source>
        <translation>avoin (luotetaan ensimmäisellä liittymisellä)</translation>
    </message>
    <message>
        <source>&amp;Enrolment:</source>
        <translation>&amp;Rekisteröinti:</translation>
    </message>
    <message>
        <source>The name must be 1 to 64 letters, digits, dots, underscores or dashes.</source>
        <translation>Nimessä on oltava 1–64 kirjainta, numeroa, pistettä, alaviivaa tai yhdysmerkkiä.</translation>
    </message>
    <message>
        <source>Vendor, type and subscriber are at most %1 characters.</source>
        <translation>Valmistaja, tyyppi ja tilaaja voivat olla enintään %1 merkkiä pitkiä.</translation>
    </message>
    <message>
        <source>Choose a VM template; create one under VM templates first.</source>
        <translation>Valitse VM-pohja; luo ensin pohja kohdassa VM-pohjat.</translation>
    </message>
    <message>
        <source>The VM template %1 does not exist.</source>
        <translation>VM-pohjaa %1 ei ole olemassa.</translation>
    </message>
    <message>
        <source>The store refused the class: %1</source>
        <translation>Tietovarasto hylkäsi luokan: %1</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::ClassModel</name>
    <message>
        <source>Class</source>
        <translation>Luokka</translation>
    </message>
    <message>
        <source>Vendor</source>
        <translation>Valmistaja</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Tyyppi</translation>
    </message>
    <message>
        <source>Subscriber</source>
        <translation>Tilaaja</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Prioriteetti</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>Pohja</translation>
    </message>
    <message>
        <source>Sharing</source>
        <translation>Jakaminen</translation>
    </message>
    <message>
        <source>Capacity</source>
        <translation>Kapasiteetti</translation>
    </message>
    <message>
        <source>Enrolment</source>
        <translation>Rekisteröinti</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::ConnectionsPage</name>
    <message>
        <source>Trust this SSH host?</source>
        <translation>Luotetaanko tähän SSH-isäntään?</translation>
    </message>
    <message>
        <source>This is the first contact with %1. It presents the host key

%2

Compare it with the host&apos;s own (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the host) and trust it only if they match.</source>
        <translation>Tämä on ensimmäinen yhteys isäntään %1. Se esittää isäntäavaimen

%2

Vertaa sitä isännän omaan avaimeen (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub isännässä) ja luota siihen vain, jos ne täsmäävät.</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>Tietokanta</translation>
    </message>
    <message>
        <source>In use:</source>
        <translation>Käytössä:</translation>
    </message>
    <message>
        <source>SQLite file or postgresql://user@host:port/db</source>
        <translation>SQLite-tiedosto tai postgresql://user@host:port/db</translation>
    </message>
    <message>
        <source>Open at the next &amp;start:</source>
        <translation>Avaa &amp;seuraavalla käynnistyskerralla:</translation>
    </message>
    <message>
        <source>Cloud (OpenStack)</source>
        <translation>Pilvi (OpenStack)</translation>
    </message>
    <message>
        <source>path to clouds.yaml</source>
        <translation>clouds.yaml-tiedoston polku</translation>
    </message>
    <message>
        <source>the cloud&apos;s name in the file</source>
        <translation>pilven nimi tiedostossa</translation>
    </message>
    <message>
        <source>Test &amp;cloud connection</source>
        <translation>Testaa &amp;pilviyhteys</translation>
    </message>
    <message>
        <source>clouds.&amp;yaml:</source>
        <translation>clouds.&amp;yaml:</translation>
    </message>
    <message>
        <source>Cloud &amp;name:</source>
        <translation>Pilven &amp;nimi:</translation>
    </message>
    <message>
        <source>SSH (Puppet on instances)</source>
        <translation>SSH (Puppet instansseissa)</translation>
    </message>
    <message>
        <source>user@host[:port]</source>
        <translation>user@host[:port]</translation>
    </message>
    <message>
        <source>the portal&apos;s known_hosts file</source>
        <translation>portaalin known_hosts-tiedosto</translation>
    </message>
    <message>
        <source>private key file; empty: ssh-agent only</source>
        <translation>yksityisen avaimen tiedosto; tyhjä: vain ssh-agent</translation>
    </message>
    <message>
        <source>the key&apos;s passphrase; empty: the one remembered, or none</source>
        <translation>avaimen tunnuslause; tyhjä: muistettu tunnuslause tai ei mitään</translation>
    </message>
    <message>
        <source>&amp;Remember the passphrase in %1</source>
        <translation>&amp;Muista tunnuslause (%1)</translation>
    </message>
    <message>
        <source>Also try ssh-&amp;agent</source>
        <translation>Kokeile myös ssh-&amp;agent-ohjelmaa</translation>
    </message>
    <message>
        <source>Test SS&amp;H connection</source>
        <translation>Testaa SS&amp;H-yhteys</translation>
    </message>
    <message>
        <source>&amp;Target:</source>
        <translation>K&amp;ohde:</translation>
    </message>
    <message>
        <source>&amp;known_hosts:</source>
        <translation>&amp;known_hosts:</translation>
    </message>
    <message>
        <source>&amp;Passphrase:</source>
        <translation>T&amp;unnuslause:</translation>
    </message>
    <message>
        <source>%1 is larger than 256 KiB.</source>
        <translation>%1 on suurempi kuin 256 KiB.</translation>
    </message>
    <message>
        <source>The file does not describe that cloud: %1</source>
        <translation>Tiedosto ei kuvaa tätä pilveä: %1</translation>
    </message>
    <message>
        <source>Authenticating at %1…</source>
        <translation>Todennetaan palvelussa %1…</translation>
    </message>
    <message>
        <source>Keystone refused or did not answer: %1</source>
        <translation>Keystone hylkäsi pyynnön tai ei vastannut: %1</translation>
    </message>
    <message>
        <source>Connected: token valid until %1; compute at %2.</source>
        <translation>Yhdistetty: tunnus on voimassa %1 asti; compute-palvelu osoitteessa %2.</translation>
    </message>
    <message>
        <source>(none in the catalog)</source>
        <translation>(ei palveluluettelossa)</translation>
    </message>
    <message>
        <source>The target must be user@host or user@host:port.</source>
        <translation>Kohteen on oltava muotoa user@host tai user@host:port.</translation>
    </message>
    <message>
        <source>The port must be 1..65535.</source>
        <translation>Portin on oltava 1..65535.</translation>
    </message>
    <message>
        <source>Give the portal&apos;s known_hosts file (it is created when missing).</source>
        <translation>Anna portaalin known_hosts-tiedosto (se luodaan, jos sitä ei ole).</translation>
    </message>
    <message>
        <source>The passphrase was not remembered: %1</source>
        <translation>Tunnuslausetta ei tallennettu muistiin: %1</translation>
    </message>
    <message>
        <source>Connecting to %1:%2…</source>
        <translation>Yhdistetään kohteeseen %1:%2…</translation>
    </message>
    <message>
        <source>Connected to %1 as %2; its host key is the one recorded in %3.</source>
        <translation>Yhdistetty kohteeseen %1 käyttäjänä %2; sen isäntäavain on sama kuin tiedostoon %3 tallennettu.</translation>
    </message>
    <message>
        <source>Refused: the host key of %1 changed. %2
If the machine was really replaced, remove its old line from %3 and test again.</source>
        <translation>Hylätty: isännän %1 isäntäavain on muuttunut. %2
Jos kone on todella vaihdettu, poista sen vanha rivi tiedostosta %3 ja testaa uudelleen.</translation>
    </message>
    <message>
        <source>Could not connect: %1</source>
        <translation>Yhteyttä ei voitu muodostaa: %1</translation>
    </message>
    <message>
        <source>Not trusted: nothing was recorded for %1.</source>
        <translation>Ei luotettu: kohteelle %1 ei tallennettu mitään.</translation>
    </message>
    <message>
        <source>Recording %1 for %2…</source>
        <translation>Tallennetaan %1 kohteelle %2…</translation>
    </message>
    <message>
        <source>The host key was not recorded: %1</source>
        <translation>Isäntäavainta ei tallennettu: %1</translation>
    </message>
    <message>
        <source>K&amp;ey file:</source>
        <translation>Avain&amp;tiedosto:</translation>
    </message>
    <message>
        <source>Cannot read %1; give the path of a clouds.yaml file under Connections.</source>
        <translation>Tiedostoa %1 ei voi lukea; anna clouds.yaml-tiedoston polku kohdassa Yhteydet.</translation>
    </message>
    <message>
        <source>Could not read the remembered passphrase from %1: %2. Type it above.</source>
        <translation>Muistettua tunnuslausetta ei voitu lukea kohteesta %1: %2. Kirjoita se yllä olevaan kenttään.</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::DemoLab</name>
    <message>
        <source>Using the lab already running in %1.</source>
        <translation>Käytetään kansiossa %1 jo käynnissä olevaa laboratoriota.</translation>
    </message>
    <message>
        <source>The lab script %1 is missing; run iot-portal --demo from the build of a source tree.</source>
        <translation>Laboratorion komentosarja %1 puuttuu; suorita iot-portal --demo lähdepuun käännöksestä.</translation>
    </message>
    <message>
        <source>The lab stopped (exit code %1) before it was ready:%2</source>
        <translation>Laboratorio pysähtyi (paluukoodi %1) ennen kuin se oli valmis:%2</translation>
    </message>
    <message>
        <source>Starting the lab in %1…</source>
        <translation>Käynnistetään laboratoriota kansiossa %1…</translation>
    </message>
    <message>
        <source>The lab was not ready within %1 s:%2</source>
        <translation>Laboratorio ei ollut valmis %1 sekunnissa:%2</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::DeviceModel</name>
    <message>
        <source>Device</source>
        <translation>Laite</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>Luokka</translation>
    </message>
    <message>
        <source>Gateway</source>
        <translation>Yhdyskäytävä</translation>
    </message>
    <message>
        <source>Instance</source>
        <translation>Instanssi</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Tila</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Avain</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Syy</translation>
    </message>
    <message>
        <source>revoked</source>
        <translation>mitätöity</translation>
    </message>
    <message>
        <source>registered</source>
        <translation>rekisteröity</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Viimeksi nähty</translation>
    </message>
    <message>
        <source>Last reading</source>
        <translation>Viimeisin lukema</translation>
    </message>
    <message>
        <source>Signature</source>
        <translation>Allekirjoitus</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::DevicePanel</name>
    <message>
        <source>&amp;Send command</source>
        <translation>&amp;Lähetä komento</translation>
    </message>
    <message>
        <source>Re&amp;voke key…</source>
        <translation>&amp;Mitätöi avain…</translation>
    </message>
    <message>
        <source>Verified readings</source>
        <translation>Varmennetut lukemat</translation>
    </message>
    <message>
        <source>received (local time)</source>
        <translation>vastaanotettu (paikallista aikaa)</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>Komento</translation>
    </message>
    <message>
        <source>Actuator</source>
        <translation>Toimilaite</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Arvo</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Tila</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>Päivitetty</translation>
    </message>
    <message>
        <source>Actuator commands</source>
        <translation>Toimilaitekomennot</translation>
    </message>
    <message>
        <source>&amp;Actuator</source>
        <translation>&amp;Toimilaite</translation>
    </message>
    <message>
        <source>&amp;Value</source>
        <translation>&amp;Arvo</translation>
    </message>
    <message>
        <source>Select a device to see its readings and commands.</source>
        <translation>Valitse laite nähdäksesi sen lukemat ja komennot.</translation>
    </message>
    <message>
        <source>Device %1 is no longer in the store.</source>
        <translation>Laitetta %1 ei enää ole tietovarastossa.</translation>
    </message>
    <message>
        <source>not placed</source>
        <translation>ei sijoitettu</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; · class %2 · gateway %3 · instance %4 · %5%6&lt;br&gt;key %7</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; · luokka %2 · yhdyskäytävä %3 · instanssi %4 · %5%6&lt;br&gt;avain %7</translation>
    </message>
    <message>
        <source>none</source>
        <translation>ei mitään</translation>
    </message>
    <message>
        <source> · &lt;b&gt;revoked&lt;/b&gt;</source>
        <translation> · &lt;b&gt;mitätöity&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Revoking failed: %1</source>
        <translation>Mitätöinti epäonnistui: %1</translation>
    </message>
    <message>
        <source>Readings and commands live on the device&apos;s instance; start iot-portal with --pki-dir (the portal&apos;s PKI folder) to see them.</source>
        <translation>Lukemat ja komennot ovat laitteen instanssissa; käynnistä iot-portal valitsimella --pki-dir (portaalin PKI-kansio) nähdäksesi ne.</translation>
    </message>
    <message>
        <source>The instance did not give the readings: %1</source>
        <translation>Instanssi ei antanut lukemia: %1</translation>
    </message>
    <message>
        <source>The instance did not give the commands: %1</source>
        <translation>Instanssi ei antanut komentoja: %1</translation>
    </message>
    <message>
        <source>sensor %1 (%2)</source>
        <translation>anturi %1 (%2)</translation>
    </message>
    <message>
        <source>No verified readings yet</source>
        <translation>Ei vielä varmennettuja lukemia</translation>
    </message>
    <message>
        <source>Verified readings: the newest %1</source>
        <translation>Varmennetut lukemat: %1 uusinta</translation>
    </message>
    <message>
        <source>The device has no ready instance to send the command to.</source>
        <translation>Laitteella ei ole valmista instanssia, jolle komennon voisi lähettää.</translation>
    </message>
    <message>
        <source>Sending actuator %1 = %2…</source>
        <translation>Lähetetään toimilaite %1 = %2…</translation>
    </message>
    <message>
        <source>The command was not accepted: %1</source>
        <translation>Komentoa ei hyväksytty: %1</translation>
    </message>
    <message>
        <source>Command %1 is %2; its status follows below as the gateway reports it.</source>
        <translation>Komennon %1 tila on %2; tila päivittyy alle sitä mukaa kuin yhdyskäytävä raportoi sen.</translation>
    </message>
    <message>
        <source>Revoke the device&apos;s key</source>
        <translation>Mitätöi laitteen avain</translation>
    </message>
    <message>
        <source>Revoke device %1? Its instance then refuses its readings and commands, and it cannot attach again with this key.</source>
        <translation>Mitätöidäänkö laitteen %1 avain? Sen jälkeen laitteen instanssi hylkää sen lukemat ja komennot, eikä laite voi enää liittyä tällä avaimella.</translation>
    </message>
    <message>
        <source>Could not queue the revocation: %1</source>
        <translation>Mitätöintiä ei voitu asettaa jonoon: %1</translation>
    </message>
    <message>
        <source>Revocation queued for the leading iot-portald…</source>
        <translation>Mitätöinti asetettu jonoon johtavalle iot-portald-prosessille…</translation>
    </message>
    <message>
        <source>&lt;br&gt;last seen %1 · last stored reading %2 · signature %3</source>
        <translation>&lt;br&gt;viimeksi nähty %1 · viimeisin tallennettu lukema %2 · allekirjoitus %3</translation>
    </message>
    <message>
        <source>not checked yet</source>
        <translation>ei vielä tarkistettu</translation>
    </message>
    <message>
        <source>&lt;b&gt;credential revocation pending&lt;/b&gt;: gateway %1 is no longer trusted; instance %2 has not acknowledged it yet</source>
        <translation>&lt;b&gt;tunnistetiedon mitätöinti odottaa&lt;/b&gt;: yhdyskäytävään %1 ei enää luoteta; instanssi %2 ei ole vielä kuitannut sitä</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>&lt;b&gt;removal pending&lt;/b&gt;: instance %1 has not dropped the device yet</source>
        <translation>&lt;b&gt;poisto odottaa&lt;/b&gt;: instanssi %1 ei ole vielä poistanut laitetta</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::DeviceSerialLink</name>
    <message>
        <source>The request could not be encoded.</source>
        <translation>Pyyntöä ei voitu koodata.</translation>
    </message>
    <message>
        <source>it could not decode the request</source>
        <translation>se ei pystynyt purkamaan pyyntöä</translation>
    </message>
    <message>
        <source>its firmware does not know this request</source>
        <translation>sen laiteohjelmisto ei tunne tätä pyyntöä</translation>
    </message>
    <message>
        <source>it speaks another protocol version</source>
        <translation>se käyttää toista protokollaversiota</translation>
    </message>
    <message>
        <source>it is not provisioned yet</source>
        <translation>sitä ei ole vielä provisioitu</translation>
    </message>
    <message>
        <source>it is locked (already provisioned)</source>
        <translation>se on lukittu (jo provisioitu)</translation>
    </message>
    <message>
        <source>it is busy; try again</source>
        <translation>se on varattu; yritä uudelleen</translation>
    </message>
    <message>
        <source>the request does not fit its state</source>
        <translation>pyyntö ei sovi sen tilaan</translation>
    </message>
    <message>
        <source>it refused a value of the request</source>
        <translation>se hylkäsi pyynnön arvon</translation>
    </message>
    <message>
        <source>its storage or hardware failed</source>
        <translation>sen muisti tai laitteisto vikaantui</translation>
    </message>
    <message>
        <source>error %1</source>
        <translation>virhe %1</translation>
    </message>
    <message>
        <source>Could not open %1: %2. Check that the device is plugged in and that no other program uses the port.</source>
        <translation>Porttia %1 ei voitu avata: %2. Tarkista, että laite on kytketty eikä mikään muu ohjelma käytä porttia.</translation>
    </message>
    <message>
        <source>The serial port %1 is closed. Plug the device in and press Retry.</source>
        <translation>Sarjaportti %1 on suljettu. Kytke laite ja paina Yritä uudelleen.</translation>
    </message>
    <message>
        <source>The request could not be framed.</source>
        <translation>Pyyntöä ei voitu kehystää.</translation>
    </message>
    <message>
        <source>Writing to %1 failed: %2</source>
        <translation>Kirjoitus porttiin %1 epäonnistui: %2</translation>
    </message>
    <message>
        <source>The device refused the request: %1.</source>
        <translation>Laite hylkäsi pyynnön: %1.</translation>
    </message>
    <message>
        <source>Serial port error on %1: %2</source>
        <translation>Sarjaporttivirhe portissa %1: %2</translation>
    </message>
    <message>
        <source>hang-up</source>
        <translation>yhteys katkesi</translation>
    </message>
    <message>
        <source>The serial port %1 went away (%2): the device was unplugged or reset. Plug it in again and press Retry; the wizard continues where it stopped.</source>
        <translation>Sarjaportti %1 katosi (%2): laite irrotettiin tai nollautui. Kytke se uudelleen ja paina Yritä uudelleen; ohjattu toiminto jatkaa siitä, mihin se jäi.</translation>
    </message>
    <message numerus="yes">
        <source>No valid answer: %n frame(s) from the device failed their checks (CRC or framing). Check the baud rate and the cable.</source>
        <translation>
            <numerusform>Ei kelvollista vastausta: %n laitteen kehys ei läpäissyt tarkistuksia (CRC tai kehystys). Tarkista siirtonopeus ja kaapeli.</numerusform>
            <numerusform>Ei kelvollista vastausta: %n laitteen kehystä ei läpäissyt tarkistuksia (CRC tai kehystys). Tarkista siirtonopeus ja kaapeli.</numerusform>
        </translation>
    </message>
    <message>
        <source>The device did not answer. Check that it runs the sensor-node firmware, the baud rate, and that it is not still busy; then press Retry.</source>
        <translation>Laite ei vastannut. Tarkista, että siinä on sensor-node-laiteohjelmisto, siirtonopeus ja ettei se ole yhä varattu; paina sitten Yritä uudelleen.</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::GatewayModel</name>
    <message>
        <source>Gateway</source>
        <translation>Yhdyskäytävä</translation>
    </message>
    <message>
        <source>IMPI</source>
        <translation>IMPI</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Tila</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Viimeksi nähty</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Versio</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>Laitteet</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Jono</translation>
    </message>
    <message>
        <source>B-TID expiry</source>
        <translation>B-TID vanhenee</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>Estetty</translation>
    </message>
    <message>
        <source>blocked</source>
        <translation>estetty</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::InstanceModel</name>
    <message>
        <source>Instance</source>
        <translation>Instanssi</translation>
    </message>
    <message>
        <source>Backend</source>
        <translation>Taustajärjestelmä</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>Luokka</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>Pohja</translation>
    </message>
    <message>
        <source>Sharing</source>
        <translation>Jakaminen</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Tila</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Osoite</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>Laitteet</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Syy</translation>
    </message>
    <message>
        <source>shared (slot %1)</source>
        <translation>jaettu (paikka %1)</translation>
    </message>
    <message>
        <source>dedicated to %1</source>
        <translation>varattu laitteelle %1</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::MainWindow</name>
    <message>
        <source>Gateways</source>
        <translation>Yhdyskäytävät</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>Laitteet</translation>
    </message>
    <message>
        <source>Device classes</source>
        <translation>Laiteluokat</translation>
    </message>
    <message>
        <source>VM templates</source>
        <translation>VM-pohjat</translation>
    </message>
    <message>
        <source>Instances</source>
        <translation>Instanssit</translation>
    </message>
    <message>
        <source>Access policies</source>
        <translation>Käyttöoikeuskäytännöt</translation>
    </message>
    <message>
        <source>Audit log</source>
        <translation>Tarkastusloki</translation>
    </message>
    <message>
        <source>IoT Portal</source>
        <translation>IoT Portal</translation>
    </message>
    <message>
        <source>&amp;Block / unblock</source>
        <translation>&amp;Estä / salli</translation>
    </message>
    <message>
        <source>&amp;New class…</source>
        <translation>&amp;Uusi luokka…</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>&amp;Muokkaa…</translation>
    </message>
    <message>
        <source>Which class would a device get?</source>
        <translation>Minkä luokan laite saisi?</translation>
    </message>
    <message>
        <source>vendor</source>
        <translation>valmistaja</translation>
    </message>
    <message>
        <source>type</source>
        <translation>tyyppi</translation>
    </message>
    <message>
        <source>subscriber</source>
        <translation>tilaaja</translation>
    </message>
    <message>
        <source>cannot read the classes</source>
        <translation>luokkia ei voi lukea</translation>
    </message>
    <message>
        <source>→ %1 (template %2, %3)</source>
        <translation>→ %1 (pohja %2, %3)</translation>
    </message>
    <message>
        <source>→ no class: the attach would be refused (portal.no_class)</source>
        <translation>→ ei luokkaa: liittyminen hylättäisiin (portal.no_class)</translation>
    </message>
    <message>
        <source>&amp;New template…</source>
        <translation>&amp;Uusi pohja…</translation>
    </message>
    <message>
        <source>&amp;Re-provision</source>
        <translation>&amp;Valmistele uudelleen</translation>
    </message>
    <message>
        <source>&amp;Dry run</source>
        <translation>&amp;Koeajo</translation>
    </message>
    <message>
        <source>Re&amp;concile</source>
        <translation>&amp;Täsmäytä</translation>
    </message>
    <message>
        <source>&amp;New policy…</source>
        <translation>&amp;Uusi käytäntö…</translation>
    </message>
    <message>
        <source>De&amp;lete…</source>
        <translation>&amp;Poista…</translation>
    </message>
    <message>
        <source>E&amp;xport CSV…</source>
        <translation>&amp;Vie CSV…</translation>
    </message>
    <message>
        <source>Export the audit log</source>
        <translation>Vie tarkastusloki</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-tiedostot (*.csv)</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>Vienti epäonnistui</translation>
    </message>
    <message>
        <source>Could not write %1. Choose a folder you can write to.</source>
        <translation>Tiedostoon %1 ei voitu kirjoittaa. Valitse kansio, johon sinulla on kirjoitusoikeus.</translation>
    </message>
    <message>
        <source>Database: %1 (%2)</source>
        <translation>Tietokanta: %1 (%2)</translation>
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
        <translation>Suodata (Ctrl+F)</translation>
    </message>
    <message>
        <source>Gateways online %1/%2 · Devices %3 · Instances ready %4/%5 · Failures %6</source>
        <translation>Yhdyskäytäviä verkossa %1/%2 · Laitteita %3 · Instansseja valmiina %4/%5 · Virheitä %6</translation>
    </message>
    <message>
        <source> · the database did not answer: %1</source>
        <translation> · tietokanta ei vastannut: %1</translation>
    </message>
    <message>
        <source>Select a template to edit.</source>
        <translation>Valitse muokattava pohja.</translation>
    </message>
    <message>
        <source>Select a device class to edit.</source>
        <translation>Valitse muokattava laiteluokka.</translation>
    </message>
    <message>
        <source>Select a policy to edit.</source>
        <translation>Valitse muokattava käytäntö.</translation>
    </message>
    <message>
        <source>Select a policy to delete.</source>
        <translation>Valitse poistettava käytäntö.</translation>
    </message>
    <message>
        <source>Delete the access policy</source>
        <translation>Poista käyttöoikeuskäytäntö</translation>
    </message>
    <message>
        <source>Delete %1? Every instance stops granting what it grants within seconds.</source>
        <translation>Poistetaanko %1? Jokainen instanssi lakkaa sekunneissa myöntämästä sen sallimia oikeuksia.</translation>
    </message>
    <message>
        <source>Could not delete the policy: %1</source>
        <translation>Käytäntöä ei voitu poistaa: %1</translation>
    </message>
    <message>
        <source>Select an instance first.</source>
        <translation>Valitse ensin instanssi.</translation>
    </message>
    <message>
        <source>Could not queue the request: %1</source>
        <translation>Pyyntöä ei voitu asettaa jonoon: %1</translation>
    </message>
    <message>
        <source>Dry run of instance %1</source>
        <translation>Instanssin %1 koeajo</translation>
    </message>
    <message>
        <source>Re-provisioning of instance %1</source>
        <translation>Instanssin %1 uudelleenvalmistelu</translation>
    </message>
    <message>
        <source>%1: queued for the leading iot-portald…</source>
        <translation>%1: asetettu jonoon johtavalle iot-portald-prosessille…</translation>
    </message>
    <message>
        <source>Reconciliation</source>
        <translation>Täsmäytys</translation>
    </message>
    <message>
        <source>Reconciliation: queued for the leading iot-portald…</source>
        <translation>Täsmäytys: asetettu jonoon johtavalle iot-portald-prosessille…</translation>
    </message>
    <message>
        <source>outcome %1%2
%3</source>
        <translation>tulos %1%2
%3</translation>
    </message>
    <message>
        <source>%1 done: %2</source>
        <translation>%1 valmis: %2</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1 epäonnistui: %2</translation>
    </message>
    <message>
        <source>%1 done.</source>
        <translation>%1 valmis.</translation>
    </message>
    <message>
        <source>%1 failed; see the log below the instances.</source>
        <translation>%1 epäonnistui; katso loki instanssien alapuolelta.</translation>
    </message>
    <message>
        <source>Select a gateway first.</source>
        <translation>Valitse ensin yhdyskäytävä.</translation>
    </message>
    <message>
        <source>Could not change the gateway: %1</source>
        <translation>Yhdyskäytävää ei voitu muuttaa: %1</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Tiedosto</translation>
    </message>
    <message>
        <source>&amp;Import configuration…</source>
        <translation>&amp;Tuo määritykset…</translation>
    </message>
    <message>
        <source>Import templates, classes and policies</source>
        <translation>Tuo pohjat, luokat ja käytännöt</translation>
    </message>
    <message>
        <source>JSON files (*.json)</source>
        <translation>JSON-tiedostot (*.json)</translation>
    </message>
    <message>
        <source>Import refused</source>
        <translation>Tuonti hylättiin</translation>
    </message>
    <message>
        <source>&amp;Export configuration…</source>
        <translation>&amp;Vie määritykset…</translation>
    </message>
    <message>
        <source>Export templates, classes and policies</source>
        <translation>Vie pohjat, luokat ja käytännöt</translation>
    </message>
    <message>
        <source>%1

Choose a folder you can write to.</source>
        <translation>%1

Valitse kansio, johon sinulla on kirjoitusoikeus.</translation>
    </message>
    <message>
        <source>&amp;Pre-register devices from CSV…</source>
        <translation>&amp;Rekisteröi laitteet ennalta CSV-tiedostosta…</translation>
    </message>
    <message>
        <source>Pre-register devices</source>
        <translation>Rekisteröi laitteet ennalta</translation>
    </message>
    <message>
        <source>Pre-registration refused</source>
        <translation>Ennakkorekisteröinti hylättiin</translation>
    </message>
    <message>
        <source>Nothing was registered: %1</source>
        <translation>Mitään ei rekisteröity: %1</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Lopeta</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>&amp;Asetukset</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Kieli</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Järjestelmän oletus</translation>
    </message>
    <message>
        <source>English</source>
        <translation>Englanti</translation>
    </message>
    <message>
        <source>The language changes when iot-portal starts again.</source>
        <translation>Kieli vaihtuu, kun iot-portal käynnistetään uudelleen.</translation>
    </message>
    <message>
        <source>The database did not answer: %1</source>
        <translation>Tietokanta ei vastannut: %1</translation>
    </message>
    <message>
        <source>Could not write %1.</source>
        <translation>Tiedostoon %1 ei voitu kirjoittaa.</translation>
    </message>
    <message>
        <source>Exported the configuration to %1.</source>
        <translation>Määritykset vietiin tiedostoon %1.</translation>
    </message>
    <message>
        <source>Could not read %1.</source>
        <translation>Tiedostoa %1 ei voitu lukea.</translation>
    </message>
    <message>
        <source>%1 is larger than 4 MiB.</source>
        <translation>%1 on suurempi kuin 4 MiB.</translation>
    </message>
    <message>
        <source>Imported %1 templates, %2 classes and %3 policies.</source>
        <translation>Tuotiin pohjia %1, luokkia %2 ja käytäntöjä %3.</translation>
    </message>
    <message>
        <source>%1 of %2 devices registered.</source>
        <translation>%1/%2 laitetta rekisteröity.</translation>
    </message>
    <message>
        <source>Pre-registration report</source>
        <translation>Ennakkorekisteröinnin raportti</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>Rivi</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Laite</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Tulos</translation>
    </message>
    <message>
        <source>S&amp;tart</source>
        <translation>&amp;Käynnistä</translation>
    </message>
    <message>
        <source>St&amp;op</source>
        <translation>&amp;Pysäytä</translation>
    </message>
    <message>
        <source>Re&amp;boot</source>
        <translation>Käynnistä &amp;uudelleen</translation>
    </message>
    <message>
        <source>Console &amp;log</source>
        <translation>Konsolin &amp;loki</translation>
    </message>
    <message>
        <source>Start of instance %1</source>
        <translation>Instanssin %1 käynnistys</translation>
    </message>
    <message>
        <source>Stop of instance %1</source>
        <translation>Instanssin %1 pysäytys</translation>
    </message>
    <message>
        <source>Reboot of instance %1</source>
        <translation>Instanssin %1 uudelleenkäynnistys</translation>
    </message>
    <message>
        <source>Console log of instance %1</source>
        <translation>Instanssin %1 konsolin loki</translation>
    </message>
    <message>
        <source>Action on instance %1</source>
        <translation>Toiminto instanssille %1</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>Yhteydet</translation>
    </message>
    <message>
        <source>The import stopped: %1

Correct what it names and import the file again.</source>
        <translation>Tuonti keskeytyi: %1

Korjaa mainittu kohta ja tuo tiedosto uudelleen.</translation>
    </message>
    <message>
        <source>Could not read the policies: %1</source>
        <translation>Käytäntöjä ei voitu lukea: %1</translation>
    </message>
    <message>
        <source> · live (PostgreSQL notifications)</source>
        <translation> · reaaliaikainen (PostgreSQL-ilmoitukset)</translation>
    </message>
    <message>
        <source> · polled every %1 s</source>
        <translation> · kysytään %1 sekunnin välein</translation>
    </message>
    <message>
        <source>Select a gateway to see its devices.</source>
        <translation>Valitse yhdyskäytävä nähdäksesi sen laitteet.</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>tuntematon</translation>
    </message>
    <message>
        <source>%1 (in %2 min)</source>
        <translation>%1 (%2 min kuluttua)</translation>
    </message>
    <message>
        <source>%1 (expired: it bootstraps again)</source>
        <translation>%1 (vanhentunut: se käynnistää GBA-alustuksen uudelleen)</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; · %2%3&lt;br&gt;IMPI %4 · software %5 · last heartbeat %6&lt;br&gt;reports %7 devices, %8 readings queued · B-TID expiry %9</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; · %2%3&lt;br&gt;IMPI %4 · ohjelmisto %5 · viimeisin sydämenlyönti %6&lt;br&gt;ilmoittaa %7 laitetta, %8 lukemaa jonossa · B-TID vanhenee %9</translation>
    </message>
    <message>
        <source> · &lt;b&gt;blocked&lt;/b&gt;</source>
        <translation> · &lt;b&gt;estetty&lt;/b&gt;</translation>
    </message>
    <message>
        <source>not bound yet</source>
        <translation>ei vielä sidottu</translation>
    </message>
    <message>
        <source>never</source>
        <translation>ei koskaan</translation>
    </message>
    <message>
        <source>&lt;br&gt;Its devices cannot be read: %1</source>
        <translation>&lt;br&gt;Sen laitteita ei voi lukea: %1</translation>
    </message>
    <message>
        <source>%1 (%2, %3)</source>
        <translation>%1 (%2, %3)</translation>
    </message>
    <message>
        <source>&lt;br&gt;Devices attached through it (%1): %2</source>
        <translation>&lt;br&gt;Sen kautta liitetyt laitteet (%1): %2</translation>
    </message>
    <message>
        <source>none</source>
        <translation>ei mitään</translation>
    </message>
    <message>
        <source>Re-provisioning and dry runs show Puppet&apos;s output here as it runs; reconciliation, start/stop/reboot, deletion and console logs appear when the leading iot-portald has done them.</source>
        <translation>Uudelleenprovisiointi ja kuivaharjoitukset näyttävät Puppetin tulosteen tässä sitä mukaa kuin se etenee; täsmäytys, käynnistys/pysäytys/uudelleenkäynnistys, poisto ja konsolilokit näkyvät, kun johtava iot-portald on tehnyt ne.</translation>
    </message>
    <message>
        <source>Delete the instance</source>
        <translation>Poista instanssi</translation>
    </message>
    <message numerus="yes">
        <source>Delete instance %1? Its machine and its data are removed. Its %n device(s) fail now and are placed on another instance when their gateways attach them again.</source>
        <translation>
            <numerusform>Poistetaanko instanssi %1? Sen kone ja tiedot poistetaan. Sen %n laite epäonnistuu nyt ja sijoitetaan toiseen instanssiin, kun sen yhdyskäytävä liittää sen uudelleen.</numerusform>
            <numerusform>Poistetaanko instanssi %1? Sen kone ja tiedot poistetaan. Sen %n laitetta epäonnistuvat nyt ja sijoitetaan toiseen instanssiin, kun niiden yhdyskäytävät liittävät ne uudelleen.</numerusform>
        </translation>
    </message>
    <message>
        <source>Deletion of instance %1</source>
        <translation>Instanssin %1 poisto</translation>
    </message>
    <message>
        <source>%1 is running:</source>
        <translation>%1 on käynnissä:</translation>
    </message>
    <message>
        <source>Pro&amp;vision a device over serial…</source>
        <translation>&amp;Provisioi laite sarjaportin kautta…</translation>
    </message>
    <message>
        <source>Gateway &amp;ids allowed…</source>
        <translation>Sallitut yhdyskäytävätunnukset (&amp;i)…</translation>
    </message>
    <message>
        <source>Failed authentications</source>
        <translation>Epäonnistuneet tunnistautumiset</translation>
    </message>
    <message numerus="yes">
        <source>&lt;br&gt;Its subscriber may enrol %n gateway id(s).</source>
        <translation>
            <numerusform>&lt;br&gt;Sen tilaaja saa rekisteröidä %n yhdyskäytävätunnuksen.</numerusform>
            <numerusform>&lt;br&gt;Sen tilaaja saa rekisteröidä %n yhdyskäytävätunnusta.</numerusform>
        </translation>
    </message>
    <message>
        <source>&lt;br&gt;Its subscriber&apos;s allowance cannot be read: %1</source>
        <translation>&lt;br&gt;Sen tilaajan kiintiötä ei voi lukea: %1</translation>
    </message>
    <message>
        <source>Select a gateway that has enrolled first.</source>
        <translation>Valitse ensin yhdyskäytävä, joka on jo rekisteröitynyt.</translation>
    </message>
    <message>
        <source>Gateway ids allowed</source>
        <translation>Sallitut yhdyskäytävätunnukset</translation>
    </message>
    <message>
        <source>How many gateway ids may subscriber %1 enrol? (Each further id is refused at the NAF until this allows it.)</source>
        <translation>Montako yhdyskäytävätunnusta tilaaja %1 saa rekisteröidä? (NAF hylkää jokaisen seuraavan tunnuksen, kunnes tämä sallii sen.)</translation>
    </message>
    <message>
        <source>Could not change the allowance: %1</source>
        <translation>Kiintiötä ei voitu muuttaa: %1</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::PolicyEditor</name>
    <message>
        <source>Create</source>
        <translation>Luo</translation>
    </message>
    <message>
        <source>Retrieve</source>
        <translation>Hae</translation>
    </message>
    <message>
        <source>Update</source>
        <translation>Päivitä</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Poista</translation>
    </message>
    <message>
        <source>Notify</source>
        <translation>Ilmoita</translation>
    </message>
    <message>
        <source>Discover</source>
        <translation>Etsi</translation>
    </message>
    <message>
        <source>Edit access policy %1</source>
        <translation>Muokkaa käyttöoikeuskäytäntöä %1</translation>
    </message>
    <message>
        <source>New access policy</source>
        <translation>Uusi käyttöoikeuskäytäntö</translation>
    </message>
    <message>
        <source>letters, digits, . _ -</source>
        <translation>kirjaimia, numeroita, . _ -</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Nimi:</translation>
    </message>
    <message>
        <source>Originators</source>
        <translation>Lähettäjät</translation>
    </message>
    <message>
        <source>Time windows (UTC cron; &apos;;&apos; between)</source>
        <translation>Aikaikkunat (UTC-cron; väliin &apos;;&apos;)</translation>
    </message>
    <message>
        <source>IPv4 ranges</source>
        <translation>IPv4-alueet</translation>
    </message>
    <message>
        <source>IPv6 ranges</source>
        <translation>IPv6-alueet</translation>
    </message>
    <message>
        <source>Comma separated: an id, &apos;all&apos;, or a pattern with * and ?</source>
        <translation>Pilkuin eroteltuina: tunniste, &apos;all&apos; tai hahmo, jossa on * ja ?</translation>
    </message>
    <message>
        <source>&amp;Add rule</source>
        <translation>&amp;Lisää sääntö</translation>
    </message>
    <message>
        <source>&amp;Remove rule</source>
        <translation>&amp;Poista sääntö</translation>
    </message>
    <message>
        <source>A request is granted when a rule names its originator, has its operation, and its time windows and address ranges (when given) hold.</source>
        <translation>Pyyntö sallitaan, kun jokin sääntö nimeää sen lähettäjän ja sisältää sen operaation ja kun säännön aikaikkunat ja osoitealueet (jos annettu) täyttyvät.</translation>
    </message>
    <message>
        <source>The stored policy does not parse (%1); replace it by importing a corrected one.</source>
        <translation>Tallennettua käytäntöä ei voi jäsentää (%1); korvaa se tuomalla korjattu käytäntö.</translation>
    </message>
    <message>
        <source>This policy has contexts this table cannot show (several per rule, or location regions); it is shown read-only. Export, edit and import it as JSON to change it.</source>
        <translation>Tässä käytännössä on konteksteja, joita tämä taulukko ei pysty näyttämään (useita säännössä tai sijaintialueita); se näytetään vain luku -tilassa. Muuta sitä viemällä, muokkaamalla ja tuomalla se JSON-muodossa.</translation>
    </message>
    <message>
        <source>The name must be 1 to 64 letters, digits, dots, underscores or dashes.</source>
        <translation>Nimessä on oltava 1–64 kirjainta, numeroa, pistettä, alaviivaa tai yhdysmerkkiä.</translation>
    </message>
    <message>
        <source>Add at least one rule; a policy without rules grants nothing.</source>
        <translation>Lisää vähintään yksi sääntö; käytäntö ilman sääntöjä ei salli mitään.</translation>
    </message>
    <message>
        <source>Rule %1 names no originator (use &apos;all&apos; for anyone).</source>
        <translation>Sääntö %1 ei nimeä lähettäjää (käytä arvoa &apos;all&apos; kaikille).</translation>
    </message>
    <message>
        <source>Rule %1 allows no operation; tick at least one.</source>
        <translation>Sääntö %1 ei salli yhtään operaatiota; valitse vähintään yksi.</translation>
    </message>
    <message>
        <source>Rule %1: &apos;%2&apos; is not six cron fields (second minute hour day month weekday), e.g. &apos;* * 8-17 * * 1-5&apos;.</source>
        <translation>Sääntö %1: &apos;%2&apos; ei ole kuusi cron-kenttää (sekunti minuutti tunti päivä kuukausi viikonpäivä), esim. &apos;* * 8-17 * * 1-5&apos;.</translation>
    </message>
    <message>
        <source>Rule %1: &apos;%2&apos; is not an %3 address or CIDR range.</source>
        <translation>Sääntö %1: &apos;%2&apos; ei ole %3-osoite eikä CIDR-alue.</translation>
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
        <translation>Instanssit hylkäisivät tämän käytännön: %1</translation>
    </message>
    <message>
        <source>The store refused the policy: %1</source>
        <translation>Tietovarasto hylkäsi käytännön: %1</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::PolicyModel</name>
    <message>
        <source>Policy</source>
        <translation>Käytäntö</translation>
    </message>
    <message>
        <source>Rules</source>
        <translation>Säännöt</translation>
    </message>
    <message>
        <source>Originators</source>
        <translation>Lähettäjät</translation>
    </message>
    <message>
        <source>Operations</source>
        <translation>Operaatiot</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>Päivitetty</translation>
    </message>
    <message>
        <source>create</source>
        <translation>luo</translation>
    </message>
    <message>
        <source>retrieve</source>
        <translation>hae</translation>
    </message>
    <message>
        <source>update</source>
        <translation>päivitä</translation>
    </message>
    <message>
        <source>delete</source>
        <translation>poista</translation>
    </message>
    <message>
        <source>notify</source>
        <translation>ilmoita</translation>
    </message>
    <message>
        <source>discover</source>
        <translation>etsi</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::PolicyTester</name>
    <message>
        <source>originator, e.g. Cviewer</source>
        <translation>lähettäjä, esim. Cviewer</translation>
    </message>
    <message>
        <source>from address, e.g. 10.0.0.5</source>
        <translation>lähdeosoite, esim. 10.0.0.5</translation>
    </message>
    <message>
        <source>May</source>
        <translation>Saako</translation>
    </message>
    <message>
        <source>from</source>
        <translation>osoitteesta</translation>
    </message>
    <message>
        <source>at</source>
        <translation>ajankohtana</translation>
    </message>
    <message>
        <source>Type an originator to test the policies.</source>
        <translation>Kirjoita lähettäjä testataksesi käytäntöjä.</translation>
    </message>
    <message>
        <source>Cannot read the policies: %1</source>
        <translation>Käytäntöjä ei voi lukea: %1</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an IP address.</source>
        <translation>&apos;%1&apos; ei ole IP-osoite.</translation>
    </message>
    <message>
        <source>→ granted by policy %1, rule %2</source>
        <translation>→ sallittu: käytäntö %1, sääntö %2</translation>
    </message>
    <message>
        <source>→ refused: no rule of the stored policies grants it</source>
        <translation>→ hylätty: mikään tallennettujen käytäntöjen sääntö ei salli sitä</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::ProvisioningWizard</name>
    <message>
        <source>factory (not provisioned)</source>
        <translation>tehdastila (ei provisioitu)</translation>
    </message>
    <message>
        <source>configured, no key yet</source>
        <translation>määritetty, ei vielä avainta</translation>
    </message>
    <message>
        <source>key generated, not locked</source>
        <translation>avain luotu, ei lukittu</translation>
    </message>
    <message>
        <source>locked</source>
        <translation>lukittu</translation>
    </message>
    <message>
        <source>the reading is not a valid COSE_Sign1 (%1)</source>
        <translation>lukema ei ole kelvollinen COSE_Sign1 (%1)</translation>
    </message>
    <message>
        <source>the reading names another device</source>
        <translation>lukema nimeää toisen laitteen</translation>
    </message>
    <message>
        <source>the registered key is not a P-256 point</source>
        <translation>rekisteröity avain ei ole P-256-piste</translation>
    </message>
    <message>
        <source>the signature does not verify with the registered key</source>
        <translation>allekirjoitus ei täsmää rekisteröityyn avaimeen</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Yritä uudelleen</translation>
    </message>
    <message>
        <source>Failed:</source>
        <translation>Epäonnistui:</translation>
    </message>
    <message>
        <source>Serial port</source>
        <translation>Sarjaportti</translation>
    </message>
    <message>
        <source>Connect the device over USB and choose its port, or type the port&apos;s path.</source>
        <translation>Kytke laite USB:n kautta ja valitse sen portti tai kirjoita portin polku.</translation>
    </message>
    <message>
        <source>Rescan</source>
        <translation>Etsi uudelleen</translation>
    </message>
    <message>
        <source>Batch: provision several devices on this port with the same choices</source>
        <translation>Sarja: provisioi useita laitteita tässä portissa samoilla valinnoilla</translation>
    </message>
    <message>
        <source>Port:</source>
        <translation>Portti:</translation>
    </message>
    <message>
        <source>Baud rate:</source>
        <translation>Siirtonopeus:</translation>
    </message>
    <message>
        <source>Identify</source>
        <translation>Tunnistus</translation>
    </message>
    <message>
        <source>The wizard asks the device who it is (PROV_INFO).</source>
        <translation>Ohjattu toiminto kysyy laitteelta, kuka se on (PROV_INFO).</translation>
    </message>
    <message>
        <source>Asking the device for its identity…</source>
        <translation>Kysytään laitteen tunnistetta…</translation>
    </message>
    <message>
        <source>The device&apos;s answer did not decode: its firmware speaks another protocol.</source>
        <translation>Laitteen vastausta ei voitu purkaa: sen laiteohjelmisto käyttää toista protokollaa.</translation>
    </message>
    <message>
        <source>Device %1&lt;br&gt;Board: %2&lt;br&gt;Firmware: %3&lt;br&gt;State: %4</source>
        <translation>Laite %1&lt;br&gt;Kortti: %2&lt;br&gt;Laiteohjelmisto: %3&lt;br&gt;Tila: %4</translation>
    </message>
    <message>
        <source>Unknown board “%1”: this wizard provisions %2 only.</source>
        <translation>Tuntematon kortti ”%1”: tämä ohjattu toiminto provisioi vain %2.</translation>
    </message>
    <message>
        <source>Firmware %1 is too old: update it to %2 or later.</source>
        <translation>Laiteohjelmisto %1 on liian vanha: päivitä se versioon %2 tai uudempaan.</translation>
    </message>
    <message>
        <source>Device %1 is already provisioned and locked. To provision it again, erase its EEPROM (factory reset) first.</source>
        <translation>Laite %1 on jo provisioitu ja lukittu. Provisioidaksesi sen uudelleen tyhjennä ensin sen EEPROM (tehdasasetukset).</translation>
    </message>
    <message>
        <source>Its key is already registered (class %1): the wizard continues where it stopped.</source>
        <translation>Sen avain on jo rekisteröity (luokka %1): ohjattu toiminto jatkaa siitä, mihin se jäi.</translation>
    </message>
    <message>
        <source>Re-provision: replace the key registered for %1 (class %2). Readings signed with the old key will no longer be accepted.</source>
        <translation>Provisioi uudelleen: korvaa laitteelle %1 rekisteröity avain (luokka %2). Vanhalla avaimella allekirjoitettuja lukemia ei enää hyväksytä.</translation>
    </message>
    <message>
        <source>&lt;b&gt;This device is already registered.&lt;/b&gt;</source>
        <translation>&lt;b&gt;Tämä laite on jo rekisteröity.&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Class and radio</source>
        <translation>Luokka ja radio</translation>
    </message>
    <message>
        <source>The class decides where the device&apos;s data goes; the radio settings must match its gateway.</source>
        <translation>Luokka ratkaisee, minne laitteen tiedot menevät; radioasetusten on vastattava sen yhdyskäytävää.</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Device class:</source>
        <translation>Laiteluokka:</translation>
    </message>
    <message>
        <source>Vendor:</source>
        <translation>Valmistaja:</translation>
    </message>
    <message>
        <source>Type:</source>
        <translation>Tyyppi:</translation>
    </message>
    <message>
        <source>Subscriber:</source>
        <translation>Tilaaja:</translation>
    </message>
    <message>
        <source>PAN id:</source>
        <translation>PAN-tunnus:</translation>
    </message>
    <message>
        <source>Channel:</source>
        <translation>Kanava:</translation>
    </message>
    <message>
        <source>Reporting interval:</source>
        <translation>Raportointiväli:</translation>
    </message>
    <message>
        <source>Chosen by the match rules</source>
        <translation>Täsmäyssääntöjen valitsema</translation>
    </message>
    <message>
        <source>The attributes match class %1.</source>
        <translation>Ominaisuudet vastaavat luokkaa %1.</translation>
    </message>
    <message>
        <source>These attributes do not match class %1: a gateway would place the device elsewhere. Adjust them.</source>
        <translation>Nämä ominaisuudet eivät vastaa luokkaa %1: yhdyskäytävä sijoittaisi laitteen muualle. Muuta niitä.</translation>
    </message>
    <message>
        <source>The match rules choose class %1.</source>
        <translation>Täsmäyssäännöt valitsevat luokan %1.</translation>
    </message>
    <message>
        <source>No device class matches these attributes. Add a class first, or change them.</source>
        <translation>Mikään laiteluokka ei vastaa näitä ominaisuuksia. Lisää ensin luokka tai muuta niitä.</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Avaimet</translation>
    </message>
    <message>
        <source>The device writes its settings and generates its key pair; only the public key leaves it. The wizard then registers the device with the portal.</source>
        <translation>Laite tallentaa asetuksensa ja luo avainparinsa; vain julkinen avain lähtee siitä. Sitten ohjattu toiminto rekisteröi laitteen portaaliin.</translation>
    </message>
    <message>
        <source>A class attribute is longer than 24 bytes.</source>
        <translation>Luokkaominaisuus on yli 24 tavua pitkä.</translation>
    </message>
    <message>
        <source>The portal&apos;s device-authority key is not in the database yet. Start iot-portald once with this database (it stores the key), then try again.</source>
        <translation>Portaalin laitevaltuutusavain ei ole vielä tietokannassa. Käynnistä iot-portald kerran tällä tietokannalla (se tallentaa avaimen) ja yritä sitten uudelleen.</translation>
    </message>
    <message>
        <source>Step 1 of 3: writing the settings to the device…</source>
        <translation>Vaihe 1/3: asetuksia kirjoitetaan laitteeseen…</translation>
    </message>
    <message>
        <source>Settings written. The device&apos;s key was already registered: fingerprint %1.</source>
        <translation>Asetukset kirjoitettu. Laitteen avain oli jo rekisteröity: sormenjälki %1.</translation>
    </message>
    <message>
        <source>The device&apos;s key answer did not decode.</source>
        <translation>Laitteen avainvastausta ei voitu purkaa.</translation>
    </message>
    <message>
        <source>Step 3 of 3: registering the device with the portal…</source>
        <translation>Vaihe 3/3: laitetta rekisteröidään portaaliin…</translation>
    </message>
    <message>
        <source>Key generated on the device and registered.&lt;br&gt;Public key fingerprint: &lt;b&gt;%1&lt;/b&gt;</source>
        <translation>Avain luotu laitteessa ja rekisteröity.&lt;br&gt;Julkisen avaimen sormenjälki: &lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Device %1 was registered meanwhile; go back to Identify.</source>
        <translation>Laite %1 rekisteröitiin sillä välin; palaa Tunnistus-vaiheeseen.</translation>
    </message>
    <message>
        <source>Verify</source>
        <translation>Tarkistus</translation>
    </message>
    <message>
        <source>The device signs one reading; the wizard checks it with the registered key.</source>
        <translation>Laite allekirjoittaa yhden lukeman; ohjattu toiminto tarkistaa sen rekisteröidyllä avaimella.</translation>
    </message>
    <message>
        <source>The device signs a test reading…</source>
        <translation>Laite allekirjoittaa testilukeman…</translation>
    </message>
    <message>
        <source>Verification failed: %1.</source>
        <translation>Tarkistus epäonnistui: %1.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Passed.&lt;/b&gt; Reading %1 %2 (counter %3), signature verified with the registered key.</source>
        <translation>&lt;b&gt;Hyväksytty.&lt;/b&gt; Lukema %1 %2 (laskuri %3), allekirjoitus tarkistettu rekisteröidyllä avaimella.</translation>
    </message>
    <message>
        <source>Lock and finish</source>
        <translation>Lukitse ja viimeistele</translation>
    </message>
    <message>
        <source>Locking ends provisioning mode: the device starts looking for its gateway.</source>
        <translation>Lukitus päättää provisiointitilan: laite alkaa etsiä yhdyskäytäväänsä.</translation>
    </message>
    <message>
        <source>Locking the device…</source>
        <translation>Laitetta lukitaan…</translation>
    </message>
    <message>
        <source>&lt;b&gt;Device %1 is provisioned.&lt;/b&gt;&lt;br&gt;On the device (EEPROM): PAN id 0x%2, channel %3, reporting every %4 s, class attributes %5/%6/%7, its private key; provisioning locked.&lt;br&gt;In the portal store: device %1, class %8, public key fingerprint %9.</source>
        <translation>&lt;b&gt;Laite %1 on provisioitu.&lt;/b&gt;&lt;br&gt;Laitteessa (EEPROM): PAN-tunnus 0x%2, kanava %3, raportointi %4 s välein, luokkaominaisuudet %5/%6/%7, sen yksityinen avain; provisiointi lukittu.&lt;br&gt;Portaalin tietovarastossa: laite %1, luokka %8, julkisen avaimen sormenjälki %9.</translation>
    </message>
    <message>
        <source>Provision a device</source>
        <translation>Provisioi laite</translation>
    </message>
    <message>
        <source>Next device</source>
        <translation>Seuraava laite</translation>
    </message>
    <message>
        <source>Save report…</source>
        <translation>Tallenna raportti…</translation>
    </message>
    <message>
        <source>Save batch report</source>
        <translation>Tallenna sarjan raportti</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-tiedostot (*.csv)</translation>
    </message>
    <message>
        <source>Report not saved</source>
        <translation>Raporttia ei tallennettu</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>Tiedostoa %1 ei voitu kirjoittaa: %2</translation>
    </message>
    <message>
        <source>Step 2 of 3: the device generates its key pair (about 2 s on an ATmega2560)…</source>
        <translation>Vaihe 2/3: laite luo avainparinsa (noin 2 s ATmega2560:lla)…</translation>
    </message>
    <message>
        <source>The registration of device %1 changed meanwhile; go back to Identify.</source>
        <translation>Laitteen %1 rekisteröinti muuttui välillä; palaa tunnistusvaiheeseen.</translation>
    </message>
    <message>
        <source>Its class is now %1 (it was %2).</source>
        <translation>Sen luokka on nyt %1 (aiemmin %2).</translation>
    </message>
    <message>
        <source>Write the portal&apos;s device-authority key</source>
        <translation>Kirjoita portaalin laitevaltuutusavain</translation>
    </message>
    <message>
        <source>Writing the portal&apos;s device-authority key…</source>
        <translation>Kirjoitetaan portaalin laitevaltuutusavainta…</translation>
    </message>
    <message>
        <source>Device %1 now holds the portal&apos;s device-authority key: it attaches through the portal&apos;s gateways again. Nothing else changed; close the wizard or connect the next device.</source>
        <translation>Laitteella %1 on nyt portaalin laitevaltuutusavain: se liittyy taas portaalin yhdyskäytävien kautta. Mikään muu ei muuttunut; sulje ohjattu toiminto tai kytke seuraava laite.</translation>
    </message>
    <message>
        <source>&lt;b&gt;This device holds no device-authority key&lt;/b&gt; (it was provisioned before device-link version 2), so no gateway can attach it. Write the portal&apos;s key into it; its identity, key and readings stay as they are.</source>
        <translation>&lt;b&gt;Tällä laitteella ei ole laitevaltuutusavainta&lt;/b&gt; (se on valmisteltu ennen laiteyhteyden versiota 2), joten mikään yhdyskäytävä ei voi liittää sitä. Kirjoita portaalin avain siihen; sen tunniste, avain ja lukemat säilyvät ennallaan.</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::StoreTableModel</name>
    <message>
        <source>never</source>
        <translation>ei koskaan</translation>
    </message>
    <message>
        <source>online</source>
        <translation>verkossa</translation>
    </message>
    <message>
        <source>stale</source>
        <translation>vanhentunut</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>poissa verkosta</translation>
    </message>
    <message>
        <source>verified</source>
        <translation>varmennettu</translation>
    </message>
    <message>
        <source>bad signature</source>
        <translation>virheellinen allekirjoitus</translation>
    </message>
    <message>
        <source>replayed</source>
        <translation>toistettu</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>hylätty</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::TemplateCloudCheck</name>
    <message>
        <source>%1 %2: not found: %3</source>
        <translation>%1 %2: ei löytynyt: %3</translation>
    </message>
    <message>
        <source>%1 %2: found (%3)</source>
        <translation>%1 %2: löytyi (%3)</translation>
    </message>
    <message>
        <source>image</source>
        <translation>levykuva</translation>
    </message>
    <message>
        <source>network</source>
        <translation>verkko</translation>
    </message>
    <message>
        <source>flavor</source>
        <translation>kokoonpano</translation>
    </message>
    <message>
        <source>the cloud has %1</source>
        <translation>pilvessä on %1</translation>
    </message>
    <message>
        <source>%1 vCPU, %2 MiB</source>
        <translation>%1 vCPU, %2 MiB</translation>
    </message>
    <message>
        <source>%1 %2: found</source>
        <translation>%1 %2: löytyi</translation>
    </message>
    <message>
        <source>%1 %2: not found: the cloud has %3</source>
        <translation>%1 %2: ei löytynyt: pilvessä on %3</translation>
    </message>
    <message>
        <source>none</source>
        <translation>ei yhtään</translation>
    </message>
    <message>
        <source>key pair</source>
        <translation>avainpari</translation>
    </message>
    <message>
        <source>security group</source>
        <translation>suojausryhmä</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::TemplateEditor</name>
    <message>
        <source>Edit VM template %1</source>
        <translation>Muokkaa VM-pohjaa %1</translation>
    </message>
    <message>
        <source>New VM template</source>
        <translation>Uusi VM-pohja</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Nimi:</translation>
    </message>
    <message>
        <source>letters, digits, . _ -</source>
        <translation>kirjaimia, numeroita, . _ -</translation>
    </message>
    <message>
        <source>&amp;Image:</source>
        <translation>&amp;Levykuva:</translation>
    </message>
    <message>
        <source>Glance image name or id</source>
        <translation>Glance-levykuvan nimi tai tunniste</translation>
    </message>
    <message>
        <source>&amp;Flavor:</source>
        <translation>&amp;Kokoonpano:</translation>
    </message>
    <message>
        <source>Nova flavor name or id</source>
        <translation>Nova-kokoonpanon nimi tai tunniste</translation>
    </message>
    <message>
        <source>Net&amp;work:</source>
        <translation>&amp;Verkko:</translation>
    </message>
    <message>
        <source>name, id, or none</source>
        <translation>nimi, tunniste tai none</translation>
    </message>
    <message>
        <source>&amp;Key pair:</source>
        <translation>&amp;Avainpari:</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>valinnainen</translation>
    </message>
    <message>
        <source>&amp;Security groups:</source>
        <translation>&amp;Suojausryhmät:</translation>
    </message>
    <message>
        <source>comma separated</source>
        <translation>pilkuin eroteltuina</translation>
    </message>
    <message>
        <source>default (8443)</source>
        <translation>oletus (8443)</translation>
    </message>
    <message>
        <source>Service &amp;port:</source>
        <translation>&amp;Palveluportti:</translation>
    </message>
    <message>
        <source>cloud-init user data (optional)</source>
        <translation>cloud-init-käyttäjädata (valinnainen)</translation>
    </message>
    <message>
        <source>&amp;User data:</source>
        <translation>Kä&amp;yttäjädata:</translation>
    </message>
    <message>
        <source>Puppet as JSON: {&quot;classes&quot;: [...], &quot;packages&quot;: [...], &quot;files&quot;: [...], &quot;services&quot;: [...]}</source>
        <translation>Puppet JSON-muodossa: {&quot;classes&quot;: [...], &quot;packages&quot;: [...], &quot;files&quot;: [...], &quot;services&quot;: [...]}</translation>
    </message>
    <message>
        <source>&amp;Puppet:</source>
        <translation>P&amp;uppet:</translation>
    </message>
    <message>
        <source>Preview shows the rendered manifest here.</source>
        <translation>Esikatselu näyttää tässä muodostetun manifestin.</translation>
    </message>
    <message>
        <source>Manifest:</source>
        <translation>Manifesti:</translation>
    </message>
    <message>
        <source>P&amp;review manifest</source>
        <translation>&amp;Esikatsele manifestia</translation>
    </message>
    <message>
        <source>The name must be 1 to 64 letters, digits, dots, underscores or dashes.</source>
        <translation>Nimessä on oltava 1–64 kirjainta, numeroa, pistettä, alaviivaa tai yhdysmerkkiä.</translation>
    </message>
    <message>
        <source>%1 is longer than 255 characters.</source>
        <translation>%1 on yli 255 merkkiä pitkä.</translation>
    </message>
    <message>
        <source>The user data is over 48 KiB; Nova takes at most 64 KiB in base64.</source>
        <translation>Käyttäjädata on yli 48 KiB; Nova hyväksyy enintään 64 KiB base64-muodossa.</translation>
    </message>
    <message>
        <source>Puppet must be a JSON object: %1 at character %2.</source>
        <translation>Puppetin on oltava JSON-objekti: %1 merkin %2 kohdalla.</translation>
    </message>
    <message>
        <source>Puppet: %1</source>
        <translation>Puppet: %1</translation>
    </message>
    <message>
        <source>(no Puppet content: configuring will be skipped)</source>
        <translation>(ei Puppet-sisältöä: konfigurointi ohitetaan)</translation>
    </message>
    <message>
        <source>The store refused the template: %1</source>
        <translation>Tietovarasto hylkäsi pohjan: %1</translation>
    </message>
    <message>
        <source>&amp;Validate against the cloud</source>
        <translation>Tarkista &amp;pilvestä</translation>
    </message>
    <message>
        <source>Asking the cloud…</source>
        <translation>Kysytään pilveltä…</translation>
    </message>
    <message>
        <source>Not checked: %1</source>
        <translation>Ei tarkistettu: %1</translation>
    </message>
    <message>
        <source>The cloud has all of it:</source>
        <translation>Pilvessä on kaikki:</translation>
    </message>
    <message>
        <source>The cloud lacks some:</source>
        <translation>Pilvestä puuttuu osa:</translation>
    </message>
</context>
<context>
    <name>Portal::Gui::TemplateModel</name>
    <message>
        <source>Template</source>
        <translation>Pohja</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>Levykuva</translation>
    </message>
    <message>
        <source>Flavor</source>
        <translation>Kokoonpano</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>Verkko</translation>
    </message>
    <message>
        <source>Key pair</source>
        <translation>Avainpari</translation>
    </message>
    <message>
        <source>Security groups</source>
        <translation>Suojausryhmät</translation>
    </message>
    <message>
        <source>Puppet</source>
        <translation>Puppet</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>kyllä</translation>
    </message>
    <message>
        <source>no</source>
        <translation>ei</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>IoT Portal: manage gateways, devices, device classes, VM templates and instances.</source>
        <translation>IoT Portal: hallitse yhdyskäytäviä, laitteita, laiteluokkia, VM-pohjia ja instansseja.</translation>
    </message>
    <message>
        <source>SQLite file or postgresql://user:pw@host:port/db.</source>
        <translation>SQLite-tiedosto tai postgresql://user:pw@host:port/db.</translation>
    </message>
    <message>
        <source>How often the views re-read the store.</source>
        <translation>Kuinka usein näkymät lukevat tietovaraston uudelleen.</translation>
    </message>
    <message>
        <source>The portal&apos;s PKI folder (as given to iot-portald): its portal-admin certificate reads readings and sends commands on instances.</source>
        <translation>Portaalin PKI-kansio (sama kuin iot-portald-prosessille annettu): sen portal-admin-varmenteella luetaan lukemia ja lähetetään komentoja instansseille.</translation>
    </message>
    <message>
        <source>IoT Portal</source>
        <translation>IoT Portal</translation>
    </message>
    <message>
        <source>Cannot open the database %1: %2

Check the path or URL given with --database.</source>
        <translation>Tietokantaa %1 ei voi avata: %2

Tarkista valitsimella --database annettu polku tai URL.</translation>
    </message>
    <message>
        <source>Cannot use the PKI folder %1: %2

Give --pki-dir the folder iot-portald uses.</source>
        <translation>PKI-kansiota %1 ei voi käyttää: %2

Anna valitsimelle --pki-dir kansio, jota iot-portald käyttää.</translation>
    </message>
    <message>
        <source>fi, de or en; default: the one chosen in Settings, else the system&apos;s.</source>
        <translation>fi, de tai en; oletus: asetuksissa valittu kieli, muuten järjestelmän kieli.</translation>
    </message>
    <message>
        <source>Open on the embedded lab (scripts/demo), starting it if it is not running; it stops with the window.</source>
        <translation>Avaa sulautetun laboratorion (scripts/demo) ja käynnistää sen, jos se ei ole käynnissä; se pysähtyy ikkunan mukana.</translation>
    </message>
    <message>
        <source>The lab&apos;s folder for --demo.</source>
        <translation>Laboratorion kansio valitsimelle --demo.</translation>
    </message>
    <message>
        <source>Starting the lab…</source>
        <translation>Käynnistetään laboratoriota…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Peruuta</translation>
    </message>
    <message>
        <source>IoT Portal demo</source>
        <translation>IoT Portal -esittely</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Peruutettu.</translation>
    </message>
    <message>
        <source>The lab did not start: %1</source>
        <translation>Laboratorio ei käynnistynyt: %1</translation>
    </message>
</context>
</TS>
