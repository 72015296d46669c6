#include "provisioningwizard.h"

#include "deviceseriallink.h"

#include <portal-core/crypto/es256.h>
#include <portal-core/crypto/signedreading.h>
#include <portal-core/engine/classmatcher.h>
#include <portal-core/engine/csv.h>
#include <portal-core/protocol/cose.h>

#include <QCheckBox>
#include <QComboBox>
#include <QCryptographicHash>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSaveFile>
#include <QSerialPortInfo>
#include <QSpinBox>
#include <QVBoxLayout>
#include <QVersionNumber>

#include <cstring>

namespace Portal::Gui {

namespace {

namespace P = Protocol;

// Boards whose firmware the wizard knows, and the oldest firmware it provisions.
const QStringList kKnownBoards = {QStringLiteral("mega2560"), QStringLiteral("host-sim")};
const QVersionNumber kMinimumFirmware(0, 1, 0);
constexpr int kIdentifyRetryMs = 1000;

P::ByteView viewOf(const QByteArray &bytes)
{
    return P::makeByteView(reinterpret_cast<const uint8_t *>(bytes.constData()),
                           size_t(bytes.size()));
}

QByteArray bytesOf(const uint8_t *data, size_t size)
{
    return QByteArray(reinterpret_cast<const char *>(data), int(size));
}

template<size_t Capacity>
QString textOf(const P::BoundedText<Capacity> &text)
{
    return QString::fromUtf8(text.data, text.size);
}

template<size_t Capacity>
bool assignText(P::BoundedText<Capacity> &text, const QString &value)
{
    const QByteArray utf8 = value.toUtf8();
    return text.assign(utf8.constData(), size_t(utf8.size()));
}

QString stateName(P::ProvisioningState state)
{
    switch (state) {
    case P::ProvisioningState::Factory:
        return ProvisioningWizard::tr("factory (not provisioned)");
    case P::ProvisioningState::Configured:
        return ProvisioningWizard::tr("configured, no key yet");
    case P::ProvisioningState::KeyGenerated:
        return ProvisioningWizard::tr("key generated, not locked");
    case P::ProvisioningState::Locked:
        return ProvisioningWizard::tr("locked");
    }
    return QString();
}

// Checks a PROV_TEST_READING answer with the registered key (OpenSSL, independent of the
// device's own code). Empty on success, else what is wrong.
QString verifyTestReading(const QByteArray &sign1, const QByteArray &publicKey,
                          const QByteArray &deviceId, P::SignedReading &reading)
{
    auto key = Crypto::Es256PublicKey::fromUncompressedPoint(Crypto::ByteView(
        reinterpret_cast<const uint8_t *>(publicKey.constData()), size_t(publicKey.size())));
    if (!key)
        return ProvisioningWizard::tr("the registered key is not a P-256 point");
    uint8_t id[P::kDeviceIdBytes] = {};
    std::memcpy(id, deviceId.constData(), size_t(qMin(deviceId.size(), qsizetype(sizeof id))));
    auto verified = Crypto::verifySignedReading(
        Crypto::ByteView(reinterpret_cast<const uint8_t *>(sign1.constData()),
                         size_t(sign1.size())),
        *key, id);
    if (!verified) {
        const std::string &code = verified.error().code;
        if (code == "reading.other_device")
            return ProvisioningWizard::tr("the reading names another device");
        if (code == "reading.bad_signature")
            return ProvisioningWizard::tr("the signature does not verify with the registered key");
        return ProvisioningWizard::tr("the reading is not a valid COSE_Sign1 (%1)")
            .arg(QString::fromStdString(verified.error().message)
                     .remove(QStringLiteral("COSE_Sign1: ")));
    }
    reading = *verified;
    return QString();
}

// A page that runs device steps: a status line, a busy bar while a step runs, Retry after a
// failure. Complete once its steps succeeded.
class StepPage : public QWizardPage
{
public:
    explicit StepPage(ProvisioningWizard &wizard) : m_wizard(wizard)
    {
        m_status = new QLabel(this);
        m_status->setWordWrap(true);
        m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
        m_busy = new QProgressBar(this);
        m_busy->setRange(0, 0);
        m_busy->setTextVisible(false);
        m_busy->hide();
        m_retry = new QPushButton(ProvisioningWizard::tr("Retry"), this);
        m_retry->setObjectName(QStringLiteral("retry"));
        m_retry->hide();
        m_layout = new QVBoxLayout(this);
        m_layout->addWidget(m_status);
        m_layout->addWidget(m_busy);
        m_layout->addWidget(m_retry, 0, Qt::AlignLeft);
        QObject::connect(m_retry, &QPushButton::clicked, this, [this] { begin(); });
        QObject::connect(&wizard.link(), &DeviceSerialLink::answered, this,
                         [this](quint8 type, const QByteArray &payload) {
                             if (m_running)
                                 answered(type, payload);
                         });
        QObject::connect(&wizard.link(), &DeviceSerialLink::failed, this,
                         [this](const QString &message) {
                             if (m_running)
                                 fail(message);
                         });
    }

    bool isComplete() const override { return m_done && extraComplete(); }
    void initializePage() override { begin(); }
    void cleanupPage() override
    {
        m_running = false;
        m_wizard.link().cancel();
    }
    QString statusText() const { return m_status->text(); }

protected:
    virtual void run() = 0;
    virtual void answered(quint8 type, const QByteArray &payload) = 0;
    virtual bool extraComplete() const { return true; }

    void begin()
    {
        m_done = false;
        m_retry->hide();
        emit completeChanged();
        ProvisioningWizard::Session &session = m_wizard.session();
        session.lastError.clear();
        DeviceSerialLink &link = m_wizard.link();
        if (!link.isOpen()) {
            // After an unplug: the same port again.
            if (auto opened = link.open(link.portPath(), link.baudRate()); !opened) {
                fail(QString::fromStdString(opened.error().message));
                return;
            }
        }
        m_running = true;
        run();
    }
    void step(const QString &text)
    {
        m_status->setText(text);
        m_busy->show();
    }
    void succeed(const QString &text)
    {
        m_running = false;
        m_busy->hide();
        m_status->setText(text);
        m_done = true;
        emit completeChanged();
    }
    // A final word that is neither a success to continue from nor a failure to retry.
    void report(const QString &text)
    {
        m_running = false;
        m_busy->hide();
        m_status->setText(text);
        m_retry->hide();
        m_done = false;
        emit completeChanged();
    }
    void fail(const QString &message)
    {
        m_running = false;
        m_busy->hide();
        m_wizard.session().lastError = message;
        m_status->setText(QStringLiteral("<b>%1</b><br>%2")
                              .arg(ProvisioningWizard::tr("Failed:"), message.toHtmlEscaped()));
        m_retry->show();
        m_done = false;
        emit completeChanged();
    }

    ProvisioningWizard &m_wizard;
    QVBoxLayout *m_layout;

private:
    QLabel *m_status;
    QProgressBar *m_busy;
    QPushButton *m_retry;
    bool m_running = false;
    bool m_done = false;
};

class PortWizardPage final : public QWizardPage
{
public:
    explicit PortWizardPage(ProvisioningWizard &wizard) : m_wizard(wizard)
    {
        setTitle(ProvisioningWizard::tr("Serial port"));
        setSubTitle(ProvisioningWizard::tr(
            "Connect the device over USB and choose its port, or type the port's path."));
        m_port = new QComboBox(this);
        m_port->setEditable(true);
        m_port->setObjectName(QStringLiteral("portPath"));
        auto *rescan = new QPushButton(ProvisioningWizard::tr("Rescan"), this);
        m_baud = new QComboBox(this);
        for (int baud : {115200, 57600, 38400, 19200, 9600})
            m_baud->addItem(QString::number(baud), baud);
        m_batch = new QCheckBox(
            ProvisioningWizard::tr("Batch: provision several devices on this port with the same "
                                   "choices"),
            this);
        m_batch->setObjectName(QStringLiteral("batchMode"));
        m_error = new QLabel(this);
        m_error->setWordWrap(true);
        auto *form = new QFormLayout(this);
        auto *portRow = new QHBoxLayout;
        portRow->addWidget(m_port, 1);
        portRow->addWidget(rescan);
        form->addRow(ProvisioningWizard::tr("Port:"), portRow);
        form->addRow(ProvisioningWizard::tr("Baud rate:"), m_baud);
        form->addRow(m_batch);
        form->addRow(m_error);
        registerField(QStringLiteral("batch"), m_batch);
        QObject::connect(rescan, &QPushButton::clicked, this, [this] { scan(); });
        scan();
    }

    void scan()
    {
        const QString typed = m_port->currentText();
        m_port->clear();
        for (const QSerialPortInfo &info : QSerialPortInfo::availablePorts()) {
            QString label = info.systemLocation();
            if (info.hasVendorIdentifier() && info.hasProductIdentifier())
                label += QStringLiteral("  [%1:%2]")
                             .arg(info.vendorIdentifier(), 4, 16, QLatin1Char('0'))
                             .arg(info.productIdentifier(), 4, 16, QLatin1Char('0'));
            if (!info.description().isEmpty())
                label += QStringLiteral("  ") + info.description();
            m_port->addItem(label, info.systemLocation());
        }
        m_port->setEditText(typed.isEmpty() && m_port->count() > 0 ? m_port->itemText(0) : typed);
    }

    QString portPath() const
    {
        const int index = m_port->findText(m_port->currentText());
        if (index >= 0 && !m_port->itemData(index).toString().isEmpty())
            return m_port->itemData(index).toString();
        return m_port->currentText().trimmed();
    }

    bool isComplete() const override { return !portPath().isEmpty(); }
    // Batch mode restarts the wizard here: keep the choices (the default resets the fields).
    void cleanupPage() override {}

    bool validatePage() override
    {
        auto opened = m_wizard.link().open(portPath(), m_baud->currentData().toInt());
        m_error->setText(opened ? QString() : QString::fromStdString(opened.error().message));
        return bool(opened);
    }

private:
    ProvisioningWizard &m_wizard;
    QComboBox *m_port;
    QComboBox *m_baud;
    QCheckBox *m_batch;
    QLabel *m_error;
};

class IdentifyWizardPage final : public StepPage
{
public:
    explicit IdentifyWizardPage(ProvisioningWizard &wizard) : StepPage(wizard)
    {
        setTitle(ProvisioningWizard::tr("Identify"));
        setSubTitle(ProvisioningWizard::tr("The wizard asks the device who it is (PROV_INFO)."));
        m_replace = new QCheckBox(this);
        m_replace->setObjectName(QStringLiteral("replaceKey"));
        m_replace->hide();
        m_layout->insertWidget(1, m_replace);
        m_giveAuthority = new QPushButton(
            ProvisioningWizard::tr("Write the portal's device-authority key"), this);
        m_giveAuthority->setObjectName(QStringLiteral("giveAuthority"));
        m_giveAuthority->hide();
        m_layout->insertWidget(2, m_giveAuthority, 0, Qt::AlignLeft);
        QObject::connect(m_giveAuthority, &QPushButton::clicked, this, [this] {
            m_giveAuthority->hide();
            m_writingAuthority = true;
            begin();
        });
        QObject::connect(m_replace, &QCheckBox::toggled, this, [this](bool checked) {
            m_wizard.session().replaceKey = checked;
            emit completeChanged();
        });
    }

protected:
    void run() override
    {
        if (m_writingAuthority) {
            P::ProvSetAuthorityMessage request;
            const Result<QByteArray> authority =
                m_wizard.store().portalKey(QStringLiteral("device-authority"));
            if (!authority || authority->size() != qsizetype(sizeof request.authorityKey)) {
                m_writingAuthority = false;
                fail(ProvisioningWizard::tr(
                    "The portal's device-authority key is not in the database yet. Start "
                    "iot-portald once with this database (it stores the key), then try again."));
                return;
            }
            std::memcpy(request.authorityKey, authority->constData(), sizeof request.authorityKey);
            step(ProvisioningWizard::tr("Writing the portal's device-authority key…"));
            m_wizard.link().request(request, P::MessageType::Ack, m_wizard.timeouts().answerMs);
            return;
        }
        m_replace->hide();
        m_replace->setChecked(false);
        m_giveAuthority->hide();
        step(ProvisioningWizard::tr("Asking the device for its identity…"));
        // An Arduino resets when its port is opened and its bootloader takes 1–2 s, so the
        // question is repeated every second within the answer timeout.
        const int attempts = qMax(1, m_wizard.timeouts().answerMs / kIdentifyRetryMs);
        m_wizard.link().request(P::ProvInfoRequestMessage(), P::MessageType::ProvInfoResponse,
                                kIdentifyRetryMs, attempts);
    }

    bool extraComplete() const override { return m_replace->isHidden() || m_replace->isChecked(); }

    void answered(quint8 type, const QByteArray &payload) override
    {
        if (m_writingAuthority && type == quint8(P::MessageType::Ack)) {
            m_writingAuthority = false;
            report(ProvisioningWizard::tr(
                       "Device %1 now holds the portal's device-authority key: it attaches "
                       "through the portal's gateways again. Nothing else changed; close the "
                       "wizard or connect the next device.")
                       .arg(QString::fromLatin1(m_wizard.session().deviceId.toHex())));
            return;
        }
        P::ProvInfoResponseMessage info;
        if (info.decode(viewOf(payload)) != P::MessageError::None) {
            fail(ProvisioningWizard::tr("The device's answer did not decode: its firmware speaks "
                                        "another protocol."));
            return;
        }
        ProvisioningWizard::Session &session = m_wizard.session();
        session.deviceId = bytesOf(info.deviceId, sizeof info.deviceId);
        session.firmwareVersion = textOf(info.firmwareVersion);
        session.board = textOf(info.board);
        session.devicePublicKey =
            info.hasPublicKey ? bytesOf(info.publicKey, sizeof info.publicKey) : QByteArray();
        session.resume = false;
        session.replaceKey = false;
        session.finished = false;
        const QString id = QString::fromLatin1(session.deviceId.toHex());
        const QString details =
            ProvisioningWizard::tr("Device %1<br>Board: %2<br>Firmware: %3<br>State: %4")
                .arg(id, session.board.toHtmlEscaped(), session.firmwareVersion.toHtmlEscaped(),
                     stateName(info.state));
        if (!kKnownBoards.contains(session.board)) {
            fail(ProvisioningWizard::tr("Unknown board “%1”: this wizard provisions %2 only.")
                     .arg(session.board, kKnownBoards.join(QStringLiteral(", "))));
            return;
        }
        const QVersionNumber version = QVersionNumber::fromString(session.firmwareVersion);
        if (version.isNull() || version < kMinimumFirmware) {
            fail(ProvisioningWizard::tr("Firmware %1 is too old: update it to %2 or later.")
                     .arg(session.firmwareVersion, kMinimumFirmware.toString()));
            return;
        }
        if (info.state == P::ProvisioningState::Locked && !info.hasAuthority) {
            // Provisioned before device-link version 2: locked, but it takes this one key.
            m_giveAuthority->show();
            report(details + QStringLiteral("<br>") +
                   ProvisioningWizard::tr(
                       "<b>This device holds no device-authority key</b> (it was provisioned "
                       "before device-link version 2), so no gateway can attach it. Write the "
                       "portal's key into it; its identity, key and readings stay as they are."));
            return;
        }
        if (info.state == P::ProvisioningState::Locked) {
            fail(ProvisioningWizard::tr("Device %1 is already provisioned and locked. To "
                                        "provision it again, erase its EEPROM (factory reset) "
                                        "first.")
                     .arg(id));
            return;
        }
        auto known = m_wizard.store().findDevice(id);
        if (known) {
            if (!session.devicePublicKey.isEmpty() && known->publicKey == session.devicePublicKey) {
                session.resume = true;
                succeed(details + QStringLiteral("<br>") +
                        ProvisioningWizard::tr("Its key is already registered (class %1): the "
                                               "wizard continues where it stopped.")
                            .arg(known->className.toHtmlEscaped()));
                return;
            }
            m_replace->setText(
                ProvisioningWizard::tr(
                    "Re-provision: replace the key registered for %1 (class %2). Readings signed "
                    "with the old key will no longer be accepted.")
                    .arg(id, known->className));
            m_replace->show();
            succeed(details + QStringLiteral("<br>") +
                    ProvisioningWizard::tr("<b>This device is already registered.</b>"));
            return;
        }
        succeed(details);
    }

private:
    QCheckBox *m_replace;
    QPushButton *m_giveAuthority;
    bool m_writingAuthority = false; // the next run() writes the authority key
};

class ClassWizardPage final : public QWizardPage
{
public:
    explicit ClassWizardPage(ProvisioningWizard &wizard) : m_wizard(wizard)
    {
        setTitle(ProvisioningWizard::tr("Class and radio"));
        setSubTitle(ProvisioningWizard::tr(
            "The class decides where the device's data goes; the radio settings must match "
            "its gateway."));
        m_class = new QComboBox(this);
        m_class->setObjectName(QStringLiteral("deviceClass"));
        m_vendor = new QLineEdit(this);
        m_type = new QLineEdit(this);
        m_subscriber = new QLineEdit(this);
        for (QLineEdit *edit : {m_vendor, m_type, m_subscriber})
            edit->setMaxLength(int(P::kMaxClassAttributeBytes));
        m_vendor->setObjectName(QStringLiteral("vendor"));
        m_type->setObjectName(QStringLiteral("type"));
        m_panId = new QSpinBox(this);
        m_panId->setRange(0, 0xFFFF);
        m_panId->setDisplayIntegerBase(16);
        m_panId->setPrefix(QStringLiteral("0x"));
        m_channel = new QSpinBox(this);
        m_channel->setRange(P::kMinChannel, P::kMaxChannel);
        m_interval = new QSpinBox(this);
        m_interval->setObjectName(QStringLiteral("interval"));
        m_interval->setRange(int(P::kMinReportingIntervalS), int(P::kMaxReportingIntervalS));
        m_interval->setSuffix(ProvisioningWizard::tr(" s"));
        m_match = new QLabel(this);
        m_match->setWordWrap(true);
        auto *form = new QFormLayout(this);
        form->addRow(ProvisioningWizard::tr("Device class:"), m_class);
        form->addRow(ProvisioningWizard::tr("Vendor:"), m_vendor);
        form->addRow(ProvisioningWizard::tr("Type:"), m_type);
        form->addRow(ProvisioningWizard::tr("Subscriber:"), m_subscriber);
        form->addRow(m_match);
        form->addRow(ProvisioningWizard::tr("PAN id:"), m_panId);
        form->addRow(ProvisioningWizard::tr("Channel:"), m_channel);
        form->addRow(ProvisioningWizard::tr("Reporting interval:"), m_interval);
        const ProvisioningWizard::Session &session = wizard.session();
        m_panId->setValue(session.panId);
        m_channel->setValue(session.channel);
        m_interval->setValue(session.reportingIntervalS);
        QObject::connect(m_class, &QComboBox::currentIndexChanged, this, [this] {
            const int index = m_class->currentIndex();
            if (index > 0 && index - 1 < m_classes.size()) {
                const Store::DeviceClass &chosen = m_classes.at(index - 1);
                if (!chosen.vendor.isEmpty())
                    m_vendor->setText(chosen.vendor);
                if (!chosen.type.isEmpty())
                    m_type->setText(chosen.type);
                if (!chosen.subscriber.isEmpty())
                    m_subscriber->setText(chosen.subscriber);
            }
            updateMatch();
        });
        for (QLineEdit *edit : {m_vendor, m_type, m_subscriber})
            QObject::connect(edit, &QLineEdit::textChanged, this, [this] { updateMatch(); });
    }

    void initializePage() override
    {
        const QString chosen = m_class->currentIndex() > 0 ? m_class->currentText() : QString();
        m_classes.clear();
        if (auto classes = m_wizard.store().deviceClasses())
            m_classes = *classes;
        const QSignalBlocker blocker(m_class);
        m_class->clear();
        m_class->addItem(ProvisioningWizard::tr("Chosen by the match rules"));
        for (const Store::DeviceClass &deviceClass : m_classes)
            m_class->addItem(deviceClass.name);
        m_class->setCurrentIndex(qMax(0, m_class->findText(chosen)));
        updateMatch();
    }

    bool isComplete() const override { return !m_resolved.isEmpty(); }

    bool validatePage() override
    {
        ProvisioningWizard::Session &session = m_wizard.session();
        session.className = m_resolved;
        session.vendor = m_vendor->text();
        session.type = m_type->text();
        session.subscriber = m_subscriber->text();
        session.panId = m_panId->value();
        session.channel = m_channel->value();
        session.reportingIntervalS = m_interval->value();
        return true;
    }

private:
    void updateMatch()
    {
        const Engine::DeviceAttributes attributes{m_vendor->text(), m_type->text(),
                                                  m_subscriber->text()};
        m_resolved.clear();
        const int index = m_class->currentIndex();
        if (index > 0 && index - 1 < m_classes.size()) {
            const Store::DeviceClass &chosen = m_classes.at(index - 1);
            if (Engine::classMatches(chosen, attributes)) {
                m_resolved = chosen.name;
                m_match->setText(
                    ProvisioningWizard::tr("The attributes match class %1.").arg(chosen.name));
            } else {
                m_match->setText(ProvisioningWizard::tr(
                                     "These attributes do not match class %1: a gateway would "
                                     "place the device elsewhere. Adjust them.")
                                     .arg(chosen.name));
            }
        } else if (const auto matched = Engine::matchDeviceClass(m_classes, attributes)) {
            m_resolved = matched->name;
            m_match->setText(
                ProvisioningWizard::tr("The match rules choose class %1.").arg(matched->name));
        } else {
            m_match->setText(ProvisioningWizard::tr(
                "No device class matches these attributes. Add a class first, or change them."));
        }
        emit completeChanged();
    }

    ProvisioningWizard &m_wizard;
    QList<Store::DeviceClass> m_classes;
    QString m_resolved;
    QComboBox *m_class;
    QLineEdit *m_vendor;
    QLineEdit *m_type;
    QLineEdit *m_subscriber;
    QSpinBox *m_panId;
    QSpinBox *m_channel;
    QSpinBox *m_interval;
    QLabel *m_match;
};

class KeysWizardPage final : public StepPage
{
public:
    explicit KeysWizardPage(ProvisioningWizard &wizard) : StepPage(wizard)
    {
        setTitle(ProvisioningWizard::tr("Keys"));
        setSubTitle(ProvisioningWizard::tr(
            "The device writes its settings and generates its key pair; only the public key "
            "leaves it. The wizard then registers the device with the portal."));
    }

protected:
    void run() override
    {
        const ProvisioningWizard::Session &session = m_wizard.session();
        P::ProvSetConfigMessage config;
        config.panId = uint16_t(session.panId);
        config.channel = uint8_t(session.channel);
        config.reportingIntervalS = uint32_t(session.reportingIntervalS);
        if (!assignText(config.classAttributes.vendor, session.vendor) ||
            !assignText(config.classAttributes.type, session.type) ||
            !assignText(config.classAttributes.subscriber, session.subscriber)) {
            fail(ProvisioningWizard::tr("A class attribute is longer than 24 bytes."));
            return;
        }
        // The device attaches only through gateways the portal authorises with this key.
        const Result<QByteArray> authority =
            m_wizard.store().portalKey(QStringLiteral("device-authority"));
        if (!authority || authority->size() != qsizetype(sizeof config.authorityKey) ||
            authority->at(0) != '\x04') {
            fail(ProvisioningWizard::tr(
                "The portal's device-authority key is not in the database yet. Start "
                "iot-portald once with this database (it stores the key), then try again."));
            return;
        }
        std::memcpy(config.authorityKey, authority->constData(), sizeof config.authorityKey);
        m_phase = Phase::Config;
        step(ProvisioningWizard::tr("Step 1 of 3: writing the settings to the device…"));
        m_wizard.link().request(config, P::MessageType::Ack, m_wizard.timeouts().answerMs);
    }

    void answered(quint8, const QByteArray &payload) override
    {
        ProvisioningWizard::Session &session = m_wizard.session();
        if (m_phase == Phase::Config) {
            if (session.resume) {
                const Result<QString> kept = keepRegistration();
                if (!kept) {
                    fail(QString::fromStdString(kept.error().message));
                    return;
                }
                session.publicKey = session.devicePublicKey;
                succeed(ProvisioningWizard::tr("Settings written. The device's key was already "
                                               "registered: fingerprint %1.")
                            .arg(ProvisioningWizard::fingerprintOf(session.publicKey)) +
                        *kept);
                return;
            }
            P::ProvGenKeyRequestMessage request;
            const QByteArray entropy = QCryptographicHash::hash(
                QByteArray::number(QRandomGenerator::system()->generate64()) +
                    QByteArray::number(QRandomGenerator::system()->generate64()) +
                    QByteArray::number(QRandomGenerator::system()->generate64()) +
                    QByteArray::number(QRandomGenerator::system()->generate64()),
                QCryptographicHash::Sha256);
            std::memcpy(request.hostEntropy, entropy.constData(), sizeof request.hostEntropy);
            m_phase = Phase::GenKey;
            step(ProvisioningWizard::tr("Step 2 of 3: the device generates its key pair (about "
                                        "2 s on an ATmega2560)…"));
            m_wizard.link().request(request, P::MessageType::ProvGenKeyResponse,
                                    m_wizard.timeouts().signMs);
            return;
        }
        P::ProvGenKeyResponseMessage response;
        if (response.decode(viewOf(payload)) != P::MessageError::None) {
            fail(ProvisioningWizard::tr("The device's key answer did not decode."));
            return;
        }
        const QByteArray publicKey = bytesOf(response.publicKey, sizeof response.publicKey);
        step(ProvisioningWizard::tr("Step 3 of 3: registering the device with the portal…"));
        if (auto registered = registerDevice(publicKey); !registered) {
            fail(QString::fromStdString(registered.error().message));
            return;
        }
        session.publicKey = publicKey;
        succeed(ProvisioningWizard::tr("Key generated on the device and registered.<br>Public "
                                       "key fingerprint: <b>%1</b>")
                    .arg(ProvisioningWizard::fingerprintOf(publicKey)));
    }

private:
    // A resumed device (its key registered, not yet locked, so never attached) takes the
    // class chosen now. Returns a note for the status when the class changed.
    Result<QString> keepRegistration()
    {
        const ProvisioningWizard::Session &session = m_wizard.session();
        Store::Store &store = m_wizard.store();
        const QString id = QString::fromLatin1(session.deviceId.toHex());
        auto known = store.findDevice(id);
        if (!known || known->publicKey != session.devicePublicKey)
            return makeError("gui.registration_changed",
                             ProvisioningWizard::tr("The registration of device %1 changed "
                                                    "meanwhile; go back to Identify.")
                                 .arg(id)
                                 .toStdString());
        if (known->className == session.className)
            return QString();
        Store::Device device = *known;
        const QString previousClass = device.className;
        device.className = session.className;
        if (auto updated = store.updateDevice(device); !updated)
            return updated.error();
        (void)store.audit(
            store.operatorName(QStringLiteral("gui")), QStringLiteral("device.provision"),
            QStringLiteral("device:") + id,
            QStringLiteral("class %1 (was %2)").arg(session.className, previousClass));
        return QStringLiteral("<br>") +
               ProvisioningWizard::tr("Its class is now %1 (it was %2).")
                   .arg(session.className.toHtmlEscaped(), previousClass.toHtmlEscaped());
    }

    Result<void> registerDevice(const QByteArray &publicKey)
    {
        const ProvisioningWizard::Session &session = m_wizard.session();
        Store::Store &store = m_wizard.store();
        const QString id = QString::fromLatin1(session.deviceId.toHex());
        auto known = store.findDevice(id);
        if (known) {
            if (!session.replaceKey)
                return makeError("gui.already_registered",
                                 ProvisioningWizard::tr("Device %1 was registered meanwhile; go "
                                                        "back to Identify.")
                                     .arg(id)
                                     .toStdString());
            Store::Device device = *known;
            device.publicKey = publicKey;
            device.className = session.className;
            if (auto updated = store.updateDevice(device); !updated)
                return updated;
            (void)store.audit(store.operatorName(QStringLiteral("gui")),
                              QStringLiteral("device.reprovision"), QStringLiteral("device:") + id,
                              QStringLiteral("class ") + session.className);
            return {};
        }
        Store::Device device;
        device.id = id;
        device.publicKey = publicKey;
        device.className = session.className;
        if (auto inserted = store.insertDevice(device); !inserted)
            return inserted;
        (void)store.audit(store.operatorName(QStringLiteral("gui")),
                          QStringLiteral("device.provision"), QStringLiteral("device:") + id,
                          QStringLiteral("class ") + session.className);
        return {};
    }

    enum class Phase { Config, GenKey };
    Phase m_phase = Phase::Config;
};

class VerifyWizardPage final : public StepPage
{
public:
    explicit VerifyWizardPage(ProvisioningWizard &wizard) : StepPage(wizard)
    {
        setTitle(ProvisioningWizard::tr("Verify"));
        setSubTitle(ProvisioningWizard::tr(
            "The device signs one reading; the wizard checks it with the registered key."));
    }

protected:
    void run() override
    {
        P::ProvTestReadingRequestMessage request;
        request.sensorIndex = 0;
        step(ProvisioningWizard::tr("The device signs a test reading…"));
        m_wizard.link().request(request, P::MessageType::ProvTestReadingResponse,
                                m_wizard.timeouts().signMs);
    }

    void answered(quint8, const QByteArray &payload) override
    {
        const ProvisioningWizard::Session &session = m_wizard.session();
        P::SignedReading reading;
        const QString problem =
            verifyTestReading(payload, session.publicKey, session.deviceId, reading);
        if (!problem.isEmpty()) {
            fail(ProvisioningWizard::tr("Verification failed: %1.").arg(problem));
            return;
        }
        double value = reading.value;
        for (int i = 0; i < qAbs(int(reading.scaleExponent)); ++i)
            value = reading.scaleExponent < 0 ? value / 10 : value * 10;
        succeed(ProvisioningWizard::tr("<b>Passed.</b> Reading %1 %2 (counter %3), signature "
                                       "verified with the registered key.")
                    .arg(QString::number(value, 'f', qMax(0, -int(reading.scaleExponent))),
                         QString::fromUtf8(reading.unit, reading.unitSize).toHtmlEscaped())
                    .arg(reading.counter));
    }
};

class FinishWizardPage final : public StepPage
{
public:
    explicit FinishWizardPage(ProvisioningWizard &wizard) : StepPage(wizard)
    {
        setTitle(ProvisioningWizard::tr("Lock and finish"));
        setSubTitle(ProvisioningWizard::tr(
            "Locking ends provisioning mode: the device starts looking for its gateway."));
        setFinalPage(true);
    }

protected:
    void run() override
    {
        P::ProvLockMessage lock;
        std::memcpy(lock.deviceId, m_wizard.session().deviceId.constData(), sizeof lock.deviceId);
        step(ProvisioningWizard::tr("Locking the device…"));
        m_wizard.link().request(lock, P::MessageType::Ack, m_wizard.timeouts().answerMs);
    }

    void answered(quint8, const QByteArray &) override
    {
        ProvisioningWizard::Session &session = m_wizard.session();
        session.finished = true;
        m_wizard.recordOutcome(session.replaceKey ? QStringLiteral("re-provisioned")
                                                  : QStringLiteral("provisioned"));
        const QString id = QString::fromLatin1(session.deviceId.toHex());
        succeed(ProvisioningWizard::tr(
                    "<b>Device %1 is provisioned.</b><br>"
                    "On the device (EEPROM): PAN id 0x%2, channel %3, reporting every %4 s, "
                    "class attributes %5/%6/%7, its private key; provisioning locked.<br>"
                    "In the portal store: device %1, class %8, public key fingerprint %9.")
                    .arg(id)
                    .arg(session.panId, 4, 16, QLatin1Char('0'))
                    .arg(session.channel)
                    .arg(session.reportingIntervalS)
                    .arg(session.vendor.toHtmlEscaped(), session.type.toHtmlEscaped(),
                         session.subscriber.toHtmlEscaped(), session.className.toHtmlEscaped(),
                         ProvisioningWizard::fingerprintOf(session.publicKey)));
    }
};

} // namespace

ProvisioningWizard::ProvisioningWizard(Store::Store &store, QWidget *parent,
                                       ProvisioningTimeouts timeouts)
    : QWizard(parent), m_store(store), m_timeouts(timeouts), m_link(new DeviceSerialLink(this))
{
    setWindowTitle(tr("Provision a device"));
    setOption(QWizard::NoBackButtonOnLastPage, true);
    setPage(PortPage, new PortWizardPage(*this));
    setPage(IdentifyPage, new IdentifyWizardPage(*this));
    setPage(ClassPage, new ClassWizardPage(*this));
    setPage(KeysPage, new KeysWizardPage(*this));
    setPage(VerifyPage, new VerifyWizardPage(*this));
    setPage(FinishPage, new FinishWizardPage(*this));
    setButtonText(QWizard::CustomButton1, tr("Next device"));
    setButtonText(QWizard::CustomButton2, tr("Save report…"));
    connect(this, &QWizard::currentIdChanged, this, &ProvisioningWizard::updateButtons);
    connect(this, &QWizard::customButtonClicked, this, [this](int which) {
        if (which == QWizard::CustomButton1) {
            nextDevice();
        } else if (which == QWizard::CustomButton2) {
            const QString path = QFileDialog::getSaveFileName(
                this, tr("Save batch report"), QStringLiteral("provisioning-report.csv"),
                tr("CSV files (*.csv)"));
            if (!path.isEmpty())
                if (auto saved = saveBatchReport(path); !saved)
                    QMessageBox::warning(this, tr("Report not saved"),
                                         QString::fromStdString(saved.error().message));
        }
    });
    connect(button(QWizard::FinishButton), &QAbstractButton::clicked, m_link,
            &DeviceSerialLink::close);
}

ProvisioningWizard::~ProvisioningWizard() = default;

bool ProvisioningWizard::isBatchMode() const
{
    return field(QStringLiteral("batch")).toBool();
}

void ProvisioningWizard::updateButtons(int pageId)
{
    const bool batchEnd = pageId == FinishPage && isBatchMode();
    setOption(QWizard::HaveCustomButton1, batchEnd);
    setOption(QWizard::HaveCustomButton2, batchEnd);
}

void ProvisioningWizard::nextDevice()
{
    if (!m_session.deviceId.isEmpty() && !m_session.finished)
        recordOutcome(QStringLiteral("failed: ") + m_session.lastError);
    Session choices = m_session;
    m_session = Session();
    m_session.className = choices.className;
    m_session.vendor = choices.vendor;
    m_session.type = choices.type;
    m_session.subscriber = choices.subscriber;
    m_session.panId = choices.panId;
    m_session.channel = choices.channel;
    m_session.reportingIntervalS = choices.reportingIntervalS;
    // The port page keeps its path and baud rate; next() reopens the port through its
    // validation, or stays there showing why the port cannot be opened.
    restart();
    next();
}

void ProvisioningWizard::reject()
{
    m_link->close();
    if (!m_session.deviceId.isEmpty() && !m_session.finished && !m_session.lastError.isEmpty())
        recordOutcome(QStringLiteral("failed: ") + m_session.lastError);
    QWizard::reject();
}

void ProvisioningWizard::recordOutcome(const QString &outcome)
{
    m_batch.append({QDateTime::currentDateTimeUtc(),
                    QString::fromLatin1(m_session.deviceId.toHex()), m_session.className,
                    m_session.publicKey.isEmpty() ? QString() : fingerprintOf(m_session.publicKey),
                    outcome});
}

Result<void> ProvisioningWizard::saveBatchReport(const QString &path) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text))
        return makeError("gui.write_failed",
                         tr("Could not write %1: %2").arg(path, file.errorString()).toStdString());
    QByteArray csv = "finished_at,device_id,class,key_fingerprint,outcome\n";
    for (const ProvisionedDevice &device : m_batch)
        csv += QStringList{device.finishedAt.toString(Qt::ISODate), device.deviceId,
                           Engine::csvField(device.className), device.fingerprint,
                           Engine::csvField(device.outcome)}
                   .join(QLatin1Char(','))
                   .toUtf8() +
               '\n';
    file.write(csv);
    if (!file.commit())
        return makeError("gui.write_failed",
                         tr("Could not write %1: %2").arg(path, file.errorString()).toStdString());
    return {};
}

QString ProvisioningWizard::statusText(int pageId) const
{
    if (const auto *stepPage = dynamic_cast<const StepPage *>(page(pageId)))
        return stepPage->statusText();
    return QString();
}

QString ProvisioningWizard::fingerprintOf(const QByteArray &publicKey)
{
    const QByteArray digest =
        QCryptographicHash::hash(publicKey, QCryptographicHash::Sha256).left(16).toHex();
    QStringList groups;
    for (int i = 0; i < digest.size(); i += 4)
        groups << QString::fromLatin1(digest.mid(i, 4));
    return groups.join(QLatin1Char(' '));
}

} // namespace Portal::Gui
