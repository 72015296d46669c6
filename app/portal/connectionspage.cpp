#include "connectionspage.h"

#include <portal-core/cloud/openstack/cloudsconfig.h>
#include <portal-core/cloud/openstack/keystoneclient.h>
#include <portal-core/engine/instanceconfigurator.h>

#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>

namespace Portal::Gui {

namespace {

QLineEdit *lineEdit(QWidget *parent, const QString &objectName, const QString &placeholder,
                    const QString &text = QString())
{
    auto *edit = new QLineEdit(text, parent);
    edit->setObjectName(objectName);
    edit->setPlaceholderText(placeholder);
    return edit;
}

QLabel *resultLabel(QWidget *parent, const QString &objectName)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

// Runs work on a worker thread (libssh blocks) and hands its result to done on context's
// thread; the thread deletes itself. Returns it, so an owner can wait for it.
QThread *runOffThread(QObject *context, std::function<Result<void>()> work,
                      std::function<void(const Result<void> &)> done)
{
    auto result = std::make_shared<Result<void>>();
    QThread *thread = QThread::create([work, result] { *result = work(); });
    QObject::connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    QObject::connect(thread, &QThread::finished, context, [result, done] { done(*result); });
    thread->start();
    return thread;
}

} // namespace

Result<Cloud::OpenStack::CloudConfig> loadCloudConfig(const QString &cloudsFile,
                                                      const QString &cloudName)
{
    QFile file(cloudsFile);
    if (cloudsFile.isEmpty() || !file.open(QIODevice::ReadOnly))
        return makeError("gui.no_cloud",
                         ConnectionsPage::tr("Cannot read %1; give the path of a clouds.yaml "
                                             "file under Connections.")
                             .arg(cloudsFile)
                             .toStdString());
    if (file.size() > Cloud::OpenStack::CloudsConfig::kMaxFileBytes)
        return makeError(
            "gui.no_cloud",
            ConnectionsPage::tr("%1 is larger than 256 KiB.").arg(cloudsFile).toStdString());
    const QByteArray clouds = file.read(Cloud::OpenStack::CloudsConfig::kMaxFileBytes);
    QFile secureFile(QFileInfo(cloudsFile).dir().filePath(QStringLiteral("secure.yaml")));
    const QByteArray secure = secureFile.open(QIODevice::ReadOnly)
                                  ? secureFile.read(Cloud::OpenStack::CloudsConfig::kMaxFileBytes)
                                  : QByteArray();
    auto config =
        Cloud::OpenStack::CloudsConfig::fromYaml(clouds, secure, cloudName, {}, cloudsFile);
    if (!config)
        return makeError("gui.no_cloud", ConnectionsPage::tr("The file does not describe that "
                                                             "cloud: %1")
                                             .arg(QString::fromStdString(config.error().message))
                                             .toStdString());
    return config;
}

ConnectionsPage::ConnectionsPage(QString databaseSpec, Secrets::SecretStore &secrets,
                                 QWidget *parent)
    : QWidget(parent), m_secrets(secrets)
{
    setObjectName(QStringLiteral("connectionsPage"));
    QSettings settings;
    m_trustDecision = [this](const QString &host, const QString &fingerprint) {
        return QMessageBox::question(
                   this, tr("Trust this SSH host?"),
                   tr("This is the first contact with %1. It presents the host key\n\n%2\n\n"
                      "Compare it with the host's own (ssh-keygen -lf "
                      "/etc/ssh/ssh_host_ed25519_key.pub on the host) and trust it only if "
                      "they match.")
                       .arg(host, fingerprint)) == QMessageBox::Yes;
    };

    auto *database = new QGroupBox(tr("Database"), this);
    auto *databaseForm = new QFormLayout(database);
    databaseForm->addRow(tr("In use:"), new QLabel(databaseSpec.toHtmlEscaped(), database));
    m_nextDatabase = lineEdit(database, QStringLiteral("nextDatabase"),
                              tr("SQLite file or postgresql://user@host:port/db"),
                              settings.value(QStringLiteral("database")).toString());
    databaseForm->addRow(tr("Open at the next &start:"), m_nextDatabase);

    auto *cloud = new QGroupBox(tr("Cloud (OpenStack)"), this);
    auto *cloudForm = new QFormLayout(cloud);
    m_cloudsFile = lineEdit(cloud, QStringLiteral("cloudsFile"), tr("path to clouds.yaml"),
                            settings.value(QStringLiteral("cloud/file")).toString());
    m_cloudName = lineEdit(cloud, QStringLiteral("cloudName"), tr("the cloud's name in the file"),
                           settings.value(QStringLiteral("cloud/name")).toString());
    auto *testCloudButton = new QPushButton(tr("Test &cloud connection"), cloud);
    testCloudButton->setObjectName(QStringLiteral("testCloud"));
    m_cloudResult = resultLabel(cloud, QStringLiteral("cloudResult"));
    cloudForm->addRow(tr("clouds.&yaml:"), m_cloudsFile);
    cloudForm->addRow(tr("Cloud &name:"), m_cloudName);
    cloudForm->addRow(testCloudButton, m_cloudResult);
    connect(testCloudButton, &QPushButton::clicked, this, &ConnectionsPage::testCloud);

    auto *ssh = new QGroupBox(tr("SSH (Puppet on instances)"), this);
    auto *sshForm = new QFormLayout(ssh);
    m_sshTarget = lineEdit(ssh, QStringLiteral("sshTarget"), tr("user@host[:port]"),
                           settings.value(QStringLiteral("ssh/target")).toString());
    m_knownHosts = lineEdit(ssh, QStringLiteral("knownHosts"), tr("the portal's known_hosts file"),
                            settings.value(QStringLiteral("ssh/knownHosts")).toString());
    m_identityFile =
        lineEdit(ssh, QStringLiteral("identityFile"), tr("private key file; empty: ssh-agent only"),
                 settings.value(QStringLiteral("ssh/identityFile")).toString());
    m_passphrase = lineEdit(ssh, QStringLiteral("passphrase"),
                            tr("the key's passphrase; empty: the one remembered, or none"));
    m_passphrase->setEchoMode(QLineEdit::Password);
    m_rememberPassphrase =
        new QCheckBox(tr("&Remember the passphrase in %1").arg(m_secrets.description()), ssh);
    m_rememberPassphrase->setObjectName(QStringLiteral("rememberPassphrase"));
    m_useAgent = new QCheckBox(tr("Also try ssh-&agent"), ssh);
    m_useAgent->setObjectName(QStringLiteral("useAgent"));
    m_useAgent->setChecked(settings.value(QStringLiteral("ssh/useAgent"), false).toBool());
    m_testSsh = new QPushButton(tr("Test SS&H connection"), ssh);
    m_testSsh->setObjectName(QStringLiteral("testSsh"));
    m_sshResult = resultLabel(ssh, QStringLiteral("sshResult"));
    sshForm->addRow(tr("&Target:"), m_sshTarget);
    sshForm->addRow(tr("&known_hosts:"), m_knownHosts);
    sshForm->addRow(tr("K&ey file:"), m_identityFile);
    sshForm->addRow(tr("&Passphrase:"), m_passphrase);
    sshForm->addRow(QString(), m_rememberPassphrase);
    sshForm->addRow(QString(), m_useAgent);
    sshForm->addRow(m_testSsh, m_sshResult);
    connect(m_testSsh, &QPushButton::clicked, this, &ConnectionsPage::testSsh);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(database);
    layout->addWidget(cloud);
    layout->addWidget(ssh);
    layout->addStretch(1);
    for (QLineEdit *edit :
         {m_nextDatabase, m_cloudsFile, m_cloudName, m_sshTarget, m_knownHosts, m_identityFile})
        connect(edit, &QLineEdit::editingFinished, this, &ConnectionsPage::saveSettings);
}

ConnectionsPage::~ConnectionsPage()
{
    // A connection attempt is bounded by its connect timeout; it must not outlive the page.
    if (m_sshThread)
        m_sshThread->wait();
}

QString ConnectionsPage::cloudResult() const
{
    return m_cloudResult->text();
}

QString ConnectionsPage::sshResult() const
{
    return m_sshResult->text();
}

void ConnectionsPage::setResult(QLabel *label, const QString &text, bool isError)
{
    label->setText(text);
    label->setStyleSheet(isError ? QStringLiteral("color: #b00020") : QString());
}

void ConnectionsPage::saveSettings()
{
    QSettings settings;
    settings.setValue(QStringLiteral("database"), m_nextDatabase->text().trimmed());
    settings.setValue(QStringLiteral("cloud/file"), m_cloudsFile->text().trimmed());
    settings.setValue(QStringLiteral("cloud/name"), m_cloudName->text().trimmed());
    settings.setValue(QStringLiteral("ssh/target"), m_sshTarget->text().trimmed());
    settings.setValue(QStringLiteral("ssh/knownHosts"), m_knownHosts->text().trimmed());
    settings.setValue(QStringLiteral("ssh/identityFile"), m_identityFile->text().trimmed());
    settings.setValue(QStringLiteral("ssh/useAgent"), m_useAgent->isChecked());
}

void ConnectionsPage::testCloud()
{
    if (m_keystone)
        return;
    saveSettings();
    auto config = loadCloudConfig(m_cloudsFile->text().trimmed(), m_cloudName->text().trimmed());
    if (!config)
        return setResult(m_cloudResult, QString::fromStdString(config.error().message), true);
    auto keystone = Cloud::OpenStack::KeystoneClient::create(*config);
    if (!keystone)
        return setResult(m_cloudResult, QString::fromStdString(keystone.error().message), true);
    m_keystone = std::move(*keystone);
    setResult(m_cloudResult, tr("Authenticating at %1…").arg(config->authUrl.toString()), false);
    m_keystone->token(this, [this](const Result<Cloud::OpenStack::KeystoneToken> &token) {
        if (!token) {
            setResult(m_cloudResult,
                      tr("Keystone refused or did not answer: %1")
                          .arg(QString::fromStdString(token.error().message)),
                      true);
        } else {
            auto compute = m_keystone->endpoint(QStringLiteral("compute"));
            setResult(m_cloudResult,
                      tr("Connected: token valid until %1; compute at %2.")
                          .arg(token->expiresAtUtc.toLocalTime().toString(Qt::ISODate),
                               compute ? compute->toString() : tr("(none in the catalog)")),
                      false);
        }
        // Not from inside its own callback.
        QTimer::singleShot(0, this, [this] { m_keystone.reset(); });
    });
}

Result<Provisioning::SshTarget> ConnectionsPage::sshTargetFromInput() const
{
    static const QRegularExpression pattern(
        QStringLiteral("^([A-Za-z0-9._-]{1,64})@([A-Za-z0-9.:_-]{1,253}?)(?::([0-9]{1,5}))?$"));
    const auto match = pattern.match(m_sshTarget->text().trimmed());
    if (!match.hasMatch())
        return makeError("gui.invalid",
                         tr("The target must be user@host or user@host:port.").toStdString());
    Provisioning::SshTarget target;
    target.user = match.captured(1);
    target.host = match.captured(2);
    const int port = match.captured(3).isEmpty() ? 22 : match.captured(3).toInt();
    if (port < 1 || port > 65535)
        return makeError("gui.invalid", tr("The port must be 1..65535.").toStdString());
    target.port = quint16(port);
    target.knownHostsPath = m_knownHosts->text().trimmed();
    if (target.knownHostsPath.isEmpty())
        return makeError(
            "gui.invalid",
            tr("Give the portal's known_hosts file (it is created when missing).").toStdString());
    target.identityFile = m_identityFile->text().trimmed();
    target.useAgent = m_useAgent->isChecked() || target.identityFile.isEmpty();
    return target;
}

void ConnectionsPage::testSsh()
{
    if (m_sshBusy)
        return;
    saveSettings();
    auto target = sshTargetFromInput();
    if (!target)
        return setResult(m_sshResult, QString::fromStdString(target.error().message), true);
    m_sshBusy = true;
    m_testSsh->setEnabled(false);
    const QString secretName = Engine::sshKeyPassphraseSecret(target->identityFile);
    const QByteArray typed = m_passphrase->text().toUtf8();
    if (target->identityFile.isEmpty() || !typed.isEmpty()) {
        target->keyPassphrase = typed;
        if (!typed.isEmpty() && m_rememberPassphrase->isChecked())
            m_secrets.write(secretName, typed, this, [this](const Result<void> &written) {
                if (!written)
                    setResult(m_sshResult,
                              tr("The passphrase was not remembered: %1")
                                  .arg(QString::fromStdString(written.error().message)),
                              true);
            });
        return connectSsh(*target, false);
    }
    m_secrets.read(secretName, this, [this, target = *target](const Result<QByteArray> &secret) {
        Provisioning::SshTarget withSecret = target;
        if (secret) {
            withSecret.keyPassphrase = *secret;
        } else if (secret.error().code != "secrets.not_found") {
            m_sshBusy = false;
            m_testSsh->setEnabled(true);
            return setResult(
                m_sshResult,
                tr("Could not read the remembered passphrase from %1: %2. Type it "
                   "above.")
                    .arg(m_secrets.description(), QString::fromStdString(secret.error().message)),
                true);
        }
        connectSsh(withSecret, false);
    });
}

void ConnectionsPage::connectSsh(Provisioning::SshTarget target, bool afterTrust)
{
    setResult(m_sshResult, tr("Connecting to %1:%2…").arg(target.host).arg(target.port), false);
    m_sshThread = runOffThread(
        this,
        [target]() -> Result<void> {
            auto session = Provisioning::SshSession::connect(target);
            if (!session)
                return session.error();
            return {};
        },
        [this, target, afterTrust](const Result<void> &outcome) {
            sshFinished(target, outcome, afterTrust);
        });
}

void ConnectionsPage::sshFinished(const Provisioning::SshTarget &target,
                                  const Result<void> &outcome, bool afterTrust)
{
    const QString host = QStringLiteral("%1:%2").arg(target.host).arg(target.port);
    const auto done = [this](const QString &text, bool isError) {
        m_sshBusy = false;
        m_testSsh->setEnabled(true);
        setResult(m_sshResult, text, isError);
    };
    if (outcome)
        return done(tr("Connected to %1 as %2; its host key is the one recorded in %3.")
                        .arg(host, target.user, target.knownHostsPath),
                    false);
    const QString message = QString::fromStdString(outcome.error().message);
    if (outcome.error().code != "ssh.host_unknown" || afterTrust)
        return done(outcome.error().code == "ssh.host_changed"
                        ? tr("Refused: the host key of %1 changed. %2\nIf the machine was "
                             "really replaced, remove its old line from %3 and test again.")
                              .arg(host, message, target.knownHostsPath)
                        : tr("Could not connect: %1").arg(message),
                    true);
    static const QRegularExpression fingerprintPattern(QStringLiteral("SHA256:[A-Za-z0-9+/=]+"));
    const QString fingerprint = fingerprintPattern.match(message).captured(0);
    if (fingerprint.isEmpty() || !m_trustDecision(host, fingerprint))
        return done(tr("Not trusted: nothing was recorded for %1.").arg(host), true);
    setResult(m_sshResult, tr("Recording %1 for %2…").arg(fingerprint, host), false);
    m_sshThread = runOffThread(
        this,
        [target, fingerprint]() {
            return Provisioning::SshSession::trustHostKey(target, fingerprint);
        },
        [this, target, done](const Result<void> &trusted) {
            if (!trusted)
                return done(tr("The host key was not recorded: %1")
                                .arg(QString::fromStdString(trusted.error().message)),
                            true);
            connectSsh(target, true);
        });
}

} // namespace Portal::Gui
