#include "portaldprogram.h"

#include <portal-core/cloud/local/localbackend.h>
#include <portal-core/cloud/openstack/cloudsconfig.h>
#include <portal-core/cloud/openstack/openstackbackend.h>
#include <portal-core/crypto/labpki.h>
#include <portal-core/crypto/x509.h>
#include <portal-core/engine/configtransfer.h>
#include <portal-core/engine/usercertificates.h>
#include <portal-core/provisioning/puppetmanifest.h>
#include <portal-core/provisioning/sshsession.h>
#include <portal-core/runtime/portfile.h>
#include <portal-core/runtime/programoptions.h>
#include <portal-core/runtime/shutdownsignals.h>
#include <portal-core/secrets/secretstore.h>

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QStandardPaths>
#include <QTextStream>
#include <QThread>

#include <algorithm>
#include <limits>
#include <optional>

Q_LOGGING_CATEGORY(lcPortald, "portal.portald")

namespace Portal::Portald {

namespace {

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

int fail(int code, const Error &error)
{
    err() << "iot-portald: " << QString::fromStdString(error.message) << " ("
          << QString::fromStdString(error.code) << ")\n";
    err().flush();
    return code;
}

Error usage(const std::string &message)
{
    return makeError("options.invalid", message);
}

// Small input files (PEM, a template's Puppet JSON): at most 256 KiB; a larger or unreadable
// one reads as empty, which its parser then refuses.
QByteArray readSmallFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly) || file.size() > 256 * 1024)
        return QByteArray();
    return file.readAll();
}

QString defaultM2mServicePath()
{
    const QString inBuildTree = QDir(QCoreApplication::applicationDirPath())
                                    .filePath(QStringLiteral("../m2m-service/iot-m2m-service"));
    if (QFileInfo(inBuildTree).isExecutable())
        return QFileInfo(inBuildTree).canonicalFilePath();
    return QStandardPaths::findExecutable(QStringLiteral("iot-m2m-service"));
}

Result<std::unique_ptr<Store::Store>> openStore(Runtime::ProgramOptions &options)
{
    return Store::Store::open(options.value(QStringLiteral("database")));
}

// --ssh-target user@host[:port] with --ssh-key / --ssh-agent / --known-hosts.
Result<Provisioning::SshTarget> sshTargetOption(Runtime::ProgramOptions &options,
                                                const QString &pkiDir)
{
    Provisioning::SshTarget target;
    const QString text = options.value(QStringLiteral("ssh-target"));
    const int at = text.indexOf(QLatin1Char('@'));
    const int colon = text.lastIndexOf(QLatin1Char(':'));
    // With --ssh-config the login may be just an alias whose user and port the config gives.
    target.sshConfigFile = options.value(QStringLiteral("ssh-config"));
    const bool fromConfig = !target.sshConfigFile.isEmpty();
    target.user = at > 0 ? text.left(at) : QString();
    target.host = text.mid(at + 1, colon > at ? colon - at - 1 : -1);
    target.port = fromConfig ? 0 : 22;
    bool portOk = true;
    if (colon > at) {
        const uint port = text.mid(colon + 1).toUInt(&portOk);
        portOk = portOk && port >= 1 && port <= 65535;
        target.port = quint16(port);
    }
    if ((at <= 0 && !fromConfig) || at == 0 || target.host.isEmpty() || !portOk)
        return usage(fromConfig ? "--ssh-target must be [user@]host[:port]"
                                : "--ssh-target must be user@host[:port]");
    target.identityFile = options.value(QStringLiteral("ssh-key"));
    target.useAgent = options.isSet(QStringLiteral("ssh-agent"));
    target.knownHostsPath = options.isSet(QStringLiteral("known-hosts"))
                                ? options.value(QStringLiteral("known-hosts"))
                                : QDir(pkiDir).filePath(QStringLiteral("known_hosts"));
    return target;
}

int runTemplateCommand(Runtime::ProgramOptions &options, Store::Store &store)
{
    if (options.positionalArguments().value(1) != QLatin1String("add"))
        return fail(ExitUsage, usage("template needs: add"));
    Store::VmTemplate vmTemplate;
    vmTemplate.name = options.value(QStringLiteral("name"));
    for (const char *key : {"image", "flavor", "network"}) {
        if (options.isSet(QLatin1String(key)))
            vmTemplate.spec.insert(QLatin1String(key), options.value(QLatin1String(key)));
    }
    if (options.isSet(QStringLiteral("key-name")))
        vmTemplate.spec.insert(QStringLiteral("keyName"),
                               options.value(QStringLiteral("key-name")));
    if (options.isSet(QStringLiteral("security-groups")))
        vmTemplate.spec.insert(
            QStringLiteral("securityGroups"),
            QJsonArray::fromStringList(options.value(QStringLiteral("security-groups"))
                                           .split(QLatin1Char(','), Qt::SkipEmptyParts)));
    if (options.isSet(QStringLiteral("puppet-file"))) {
        const QByteArray text = readSmallFile(options.value(QStringLiteral("puppet-file")));
        QJsonParseError parsed;
        const QJsonDocument document = QJsonDocument::fromJson(text, &parsed);
        if (parsed.error != QJsonParseError::NoError || !document.isObject())
            return fail(ExitUsage, usage("--puppet-file must be a JSON object of at most 256 KiB "
                                         "(the template's puppet part)"));
        vmTemplate.spec.insert(QStringLiteral("puppet"), document.object());
        if (auto rendered = Provisioning::renderManifest(vmTemplate.spec, vmTemplate.name);
            !rendered)
            return fail(ExitUsage, rendered.error());
    }
    if (options.isSet(QStringLiteral("admin-port"))) {
        auto adminPort = options.integer(QStringLiteral("admin-port"), 1, 65535);
        if (!adminPort)
            return fail(ExitUsage, adminPort.error());
        vmTemplate.spec.insert(QStringLiteral("adminPort"), int(*adminPort));
    }
    if (auto saved = store.upsertTemplate(vmTemplate); !saved)
        return fail(saved.error().code == "store.invalid" ? ExitUsage : ExitFailure, saved.error());
    (void)store.audit(store.operatorName(QStringLiteral("cli")), QStringLiteral("template.save"),
                      QStringLiteral("template:") + vmTemplate.name);
    return ExitOk;
}

int runClassCommand(Runtime::ProgramOptions &options, Store::Store &store)
{
    const QString action = options.positionalArguments().value(1);
    QTextStream out(stdout);
    if (action == QLatin1String("list")) {
        auto classes = store.deviceClasses();
        if (!classes)
            return fail(ExitFailure, classes.error());
        for (const Store::DeviceClass &c : *classes) {
            out << c.name << " vendor=" << c.vendor << " type=" << c.type
                << " subscriber=" << c.subscriber << " priority=" << c.priority
                << " template=" << c.templateName << " sharing=" << Store::toText(c.sharing)
                << " capacity=" << c.capacity << " enrolment=" << Store::toText(c.enrolment)
                << '\n';
        }
        return ExitOk;
    }
    if (action != QLatin1String("add"))
        return fail(ExitUsage, usage("class needs one of: add, list"));
    Store::DeviceClass deviceClass;
    deviceClass.name = options.value(QStringLiteral("name"));
    deviceClass.templateName = options.value(QStringLiteral("template"));
    deviceClass.vendor = options.value(QStringLiteral("vendor"));
    deviceClass.type = options.value(QStringLiteral("type"));
    deviceClass.subscriber = options.value(QStringLiteral("subscriber"));
    auto priority = options.integer(QStringLiteral("priority"), -1000000, 1000000);
    auto capacity = options.integer(QStringLiteral("capacity"), 1, 1000000);
    if (!priority)
        return fail(ExitUsage, priority.error());
    if (!capacity)
        return fail(ExitUsage, capacity.error());
    deviceClass.priority = int(*priority);
    deviceClass.capacity = int(*capacity);
    const auto sharing = Store::sharingFromText(options.value(QStringLiteral("sharing")));
    const auto enrolment = Store::enrolmentFromText(options.value(QStringLiteral("enrolment")));
    if (!sharing)
        return fail(ExitUsage, usage("--sharing must be shared or dedicated"));
    if (!enrolment)
        return fail(ExitUsage, usage("--enrolment must be preregistered or open"));
    deviceClass.sharing = *sharing;
    deviceClass.enrolment = *enrolment;
    if (auto saved = store.upsertDeviceClass(deviceClass); !saved)
        return fail(saved.error().code == "store.invalid" ? ExitUsage : ExitFailure, saved.error());
    (void)store.audit(store.operatorName(QStringLiteral("cli")), QStringLiteral("class.save"),
                      QStringLiteral("class:") + deviceClass.name);
    return ExitOk;
}

int runDeviceCommand(Runtime::ProgramOptions &options, Store::Store &store)
{
    if (options.positionalArguments().value(1) != QLatin1String("register"))
        return fail(ExitUsage, usage("device needs: register"));
    auto registered = Engine::preregisterDevice(
        store, options.value(QStringLiteral("id")), options.value(QStringLiteral("class")),
        options.value(QStringLiteral("public-key")), store.operatorName(QStringLiteral("cli")));
    if (!registered)
        return fail(registered.error().code == "config.malformed" ||
                            registered.error().code == "store.conflict"
                        ? ExitUsage
                        : ExitFailure,
                    registered.error());
    return ExitOk;
}

// `ssh trust`: the admin's explicit decision to trust an SSH host key, by its fingerprint.
int runSshTrust(Runtime::ProgramOptions &options)
{
    if (options.positionalArguments().value(1) != QLatin1String("trust") ||
        !options.isSet(QStringLiteral("ssh-target")) || !options.isSet(QStringLiteral("pki-dir")))
        return fail(ExitUsage, usage("use: ssh trust --ssh-target user@host[:port] --pki-dir DIR "
                                     "[--known-hosts FILE] [--fingerprint SHA256:…]"));
    auto target = sshTargetOption(options, options.value(QStringLiteral("pki-dir")));
    if (!target)
        return fail(ExitUsage, target.error());
    if (!options.isSet(QStringLiteral("fingerprint"))) {
        // Shows the fingerprint (in the refusal) for the admin to check, and records nothing.
        auto session = Provisioning::SshSession::connect(*target);
        if (session || session.error().code == "ssh.auth") {
            QTextStream(stdout) << "the host key of " << target->host << ':' << target->port
                                << " is already trusted in " << target->knownHostsPath << '\n';
            return ExitOk;
        }
        return fail(ExitFailure, session.error());
    }
    auto trusted = Provisioning::SshSession::trustHostKey(
        *target, options.value(QStringLiteral("fingerprint")));
    if (!trusted)
        return fail(ExitFailure, trusted.error());
    QTextStream(stdout) << "trusted " << options.value(QStringLiteral("fingerprint")) << " for "
                        << target->host << ':' << target->port << " in " << target->knownHostsPath
                        << '\n';
    return ExitOk;
}

// `gateway allow-ids`: how many gateway ids one subscriber may enrol (1 by default).
int runAllowIds(Runtime::ProgramOptions &options, Store::Store &store)
{
    const QString impi = options.value(QStringLiteral("impi"));
    auto maxIds = options.integer(QStringLiteral("max"), 1, Store::Store::kMaxGatewayIdsPerImpi);
    if (impi.isEmpty() || !maxIds)
        return fail(ExitUsage, usage("use: gateway allow-ids --impi IMPI --max N (1..1000)"));
    if (auto saved = store.setImpiAllowance(impi, int(*maxIds)); !saved)
        return fail(ExitFailure, saved.error());
    (void)store.audit(store.operatorName(QStringLiteral("cli")),
                      QStringLiteral("gateway.allow_ids"), QStringLiteral("impi:") + impi,
                      QStringLiteral("max %1").arg(*maxIds));
    QTextStream(stdout) << impi << " may enrol " << *maxIds << " gateway id(s)\n";
    return ExitOk;
}

// `user add --name N --csr FILE [--days D] [--out FILE]`: a users CA certificate for a oneM2M
// user or application; `user remove --name N` revokes every certificate of N; `user list`.
int runUserCommand(Runtime::ProgramOptions &options, Store::Store &store)
{
    const QString action = options.positionalArguments().value(1);
    const QString name = options.value(QStringLiteral("name"));
    QTextStream out(stdout);
    if (action == QLatin1String("list")) {
        auto certificates = store.userCertificates();
        if (!certificates)
            return fail(ExitFailure, certificates.error());
        for (const Store::UserCertificate &certificate : *certificates)
            out << certificate.name << '\t' << certificate.serialHex << '\t'
                << certificate.notAfter.toString(Qt::ISODate) << '\t'
                << (certificate.revoked.isValid()
                        ? QStringLiteral("revoked ") + certificate.revoked.toString(Qt::ISODate)
                        : QStringLiteral("valid"))
                << '\n';
        return ExitOk;
    }
    if (action == QLatin1String("remove")) {
        if (!Store::isValidName(name))
            return fail(ExitUsage, usage("use: user remove --name NAME"));
        auto revoked = store.revokeUser(name);
        if (!revoked)
            return fail(ExitFailure, revoked.error());
        (void)store.audit(store.operatorName(QStringLiteral("cli")), QStringLiteral("user.remove"),
                          QStringLiteral("user:") + name,
                          QStringLiteral("%1 certificate(s) revoked").arg(*revoked));
        out << "revoked " << *revoked << " certificate(s) of " << name << '\n';
        return ExitOk;
    }
    if (action != QLatin1String("add"))
        return fail(ExitUsage, usage("user needs one of: add, remove, list"));
    if (!options.isSet(QStringLiteral("pki-dir")) || !options.isSet(QStringLiteral("csr")))
        return fail(ExitUsage,
                    usage("use: user add --name NAME --csr FILE --pki-dir DIR [--days D] "
                          "[--out FILE]"));
    auto days = options.integer(QStringLiteral("days"), 1, Engine::kMaxUserCertificateDays);
    if (!days)
        return fail(ExitUsage, days.error());
    auto pki = Crypto::LabPki::ensure(options.value(QStringLiteral("pki-dir")).toStdString());
    if (!pki)
        return fail(ExitFailure, pki.error());
    auto usersCa = Crypto::Certificate::fromPem(
        readSmallFile(QString::fromStdString(pki->usersCa.certificatePath)).toStdString());
    auto usersCaKey = Crypto::PrivateKey::fromPem(
        readSmallFile(QString::fromStdString(pki->usersCa.keyPath)).toStdString());
    if (!usersCa)
        return fail(ExitFailure, usersCa.error());
    if (!usersCaKey)
        return fail(ExitFailure, usersCaKey.error());
    auto issued = Engine::issueUserCertificate(
        store, *usersCa, *usersCaKey,
        {name, readSmallFile(options.value(QStringLiteral("csr"))), int(*days)});
    if (!issued)
        return fail(ExitFailure, issued.error());
    (void)store.audit(store.operatorName(QStringLiteral("cli")), QStringLiteral("user.add"),
                      QStringLiteral("user:") + name,
                      QStringLiteral("serial %1 until %2")
                          .arg(issued->serialHex, issued->notAfter.toString(Qt::ISODate)));
    if (options.isSet(QStringLiteral("out"))) {
        QFile file(options.value(QStringLiteral("out")));
        if (!file.open(QIODevice::WriteOnly) || file.write(issued->certificatePem) < 0)
            return fail(ExitFailure,
                        makeError("user.write_failed", "could not write the certificate to --out"));
    } else {
        out << QString::fromLatin1(issued->certificatePem);
    }
    return ExitOk;
}

int runGatewayCommand(Runtime::ProgramOptions &options, Store::Store &store)
{
    const QString action = options.positionalArguments().value(1);
    if (action == QLatin1String("allow-ids"))
        return runAllowIds(options, store);
    if (action != QLatin1String("block") && action != QLatin1String("unblock"))
        return fail(ExitUsage, usage("gateway needs one of: block, unblock, allow-ids"));
    const QString id = options.value(QStringLiteral("id"));
    if (!Store::isValidGatewayId(id))
        return fail(ExitUsage, usage("--id must be [a-z0-9-]{1,40}"));
    const bool blocked = action == QLatin1String("block");
    if (auto saved = store.setGatewayBlocked(id, blocked); !saved)
        return fail(ExitFailure, saved.error());
    (void)store.audit(store.operatorName(QStringLiteral("cli")),
                      QStringLiteral("gateway.") + action, QStringLiteral("gateway:") + id);
    return ExitOk;
}

Result<PortaldConfig> serveConfig(Runtime::ProgramOptions &options)
{
    PortaldConfig config;
    config.database = options.value(QStringLiteral("database"));
    if (!config.listenAddress.setAddress(options.value(QStringLiteral("listen"))))
        return usage("--listen must be an IP address");
    auto port = options.integer(QStringLiteral("port"), 0, 65535);
    if (!port)
        return port.error();
    config.apiPort = quint16(*port);
    if (!options.isSet(QStringLiteral("pki-dir")))
        return usage("--pki-dir is required (portal CA, portal-admin certificate)");
    auto pki = Crypto::LabPki::ensure(options.value(QStringLiteral("pki-dir")).toStdString());
    if (!pki)
        return pki.error();
    const auto path = [](const std::string &text) { return QString::fromStdString(text); };
    for (const std::string &step : pki->upgraded)
        qCInfo(lcPortald).noquote() << "lab PKI:" << QString::fromStdString(step);
    config.portalCaCertificatePath = path(pki->portalCa.certificatePath);
    config.portalCaKeyPath = path(pki->portalCa.keyPath);
    config.gatewayCaCertificatePath = path(pki->gatewayCa.certificatePath);
    config.gatewayCaKeyPath = path(pki->gatewayCa.keyPath);
    config.adminCaCertificatePath = path(pki->adminCa.certificatePath);
    config.deviceAuthorityKeyPath = path(pki->deviceAuthorityKeyPath);
    for (const std::string &name : Crypto::reservedIdentityNames())
        config.reservedGatewayIds.append(QString::fromStdString(name));
    config.adminCertificatePath = path(pki->portalAdmin.certificatePath);
    config.adminKeyPath = path(pki->portalAdmin.keyPath);
    const auto valueOr = [&options](const char *name, const QString &fallback) {
        return options.isSet(QLatin1String(name)) ? options.value(QLatin1String(name)) : fallback;
    };
    config.apiCertificatePath = valueOr("tls-cert", path(pki->portalApi.certificatePath));
    config.apiKeyPath = valueOr("tls-key", path(pki->portalApi.keyPath));
    config.gatewayCaCertificatePath = valueOr("client-ca", config.gatewayCaCertificatePath);
    config.credentialKeyPath =
        valueOr("credential-key", QDir(options.value(QStringLiteral("pki-dir")))
                                      .filePath(QStringLiteral("device-credential.key")));
    config.instancesDir = options.value(QStringLiteral("instances-dir"));
    config.m2mServicePath = valueOr("m2m-service-path", defaultM2mServicePath());
    if (config.m2mServicePath.isEmpty())
        return usage("iot-m2m-service not found; give --m2m-service-path");
    config.cloudBackend = options.value(QStringLiteral("cloud"));
    if (config.cloudBackend != QLatin1String("local") &&
        config.cloudBackend != QLatin1String("openstack"))
        return usage("--cloud must be local or openstack");
    config.osCloud = options.value(QStringLiteral("os-cloud"));
    if (options.isSet(QStringLiteral("ssh-target"))) {
        auto target = sshTargetOption(options, options.value(QStringLiteral("pki-dir")));
        if (!target)
            return target.error();
        config.engine.configuration.sshTarget = *target;
    }
    if (options.isSet(QStringLiteral("instance-ssh-user"))) {
        // Instances reached at their own address (openstack), with the portal's keys.
        Provisioning::SshTarget &defaults = config.engine.configuration.instanceDefaults;
        defaults.user = options.value(QStringLiteral("instance-ssh-user"));
        auto sshPort = options.integer(QStringLiteral("instance-ssh-port"), 1, 65535);
        if (!sshPort)
            return sshPort.error();
        defaults.port = quint16(*sshPort);
        defaults.identityFile = options.value(QStringLiteral("ssh-key"));
        defaults.useAgent = options.isSet(QStringLiteral("ssh-agent"));
        defaults.sshConfigFile = options.value(QStringLiteral("ssh-config"));
        defaults.knownHostsPath = options.isSet(QStringLiteral("known-hosts"))
                                      ? options.value(QStringLiteral("known-hosts"))
                                      : QDir(options.value(QStringLiteral("pki-dir")))
                                            .filePath(QStringLiteral("known_hosts"));
    }
    config.engine.configuration.secrets = std::make_shared<Secrets::FileSecretStore>(valueOr(
        "secrets-file",
        QDir(options.value(QStringLiteral("pki-dir"))).filePath(QStringLiteral("secrets.json"))));
    config.engine.configuration.portalCaPem =
        QString::fromUtf8(readSmallFile(config.portalCaCertificatePath));
    config.api.gatewayCaPem = readSmallFile(config.gatewayCaCertificatePath);
    // Gateways enrolled before the gateway CA existed hold portal CA certificates: answered
    // 401 portal.reenrol until their B-TIDs lapse.
    config.api.legacyGatewayCaPem = readSmallFile(config.portalCaCertificatePath);
    auto pullS = options.integer(QStringLiteral("auth-failure-pull-interval"), 1, 3600);
    if (!pullS)
        return pullS.error();
    config.engine.authFailurePullMs = int(*pullS) * 1000;
    config.engine.ownerTag = options.value(QStringLiteral("owner-tag"));
    if (!Store::isValidName(config.engine.ownerTag))
        return usage("--owner-tag must be 1..64 of [A-Za-z0-9._-]");
    if (options.isSet(QStringLiteral("bsf-zn-url"))) {
        config.bsfZnUrl = QUrl(options.value(QStringLiteral("bsf-zn-url")));
        if (!config.bsfZnUrl.isValid() || config.bsfZnUrl.scheme() != QLatin1String("https"))
            return usage("--bsf-zn-url must be an https URL");
        auto nafPort = options.integer(QStringLiteral("naf-port"), 0, 65535);
        if (!nafPort)
            return nafPort.error();
        config.nafPort = quint16(*nafPort);
        auto nafPskPort = options.integer(QStringLiteral("naf-psk-port"), 0, 65535);
        if (!nafPskPort)
            return nafPskPort.error();
        config.nafPskPort = quint16(*nafPskPort);
        config.nafFqdn = options.value(QStringLiteral("naf-fqdn"));
        config.nafCertificatePath = path(pki->naf.certificatePath);
        config.nafKeyPath = path(pki->naf.keyPath);
        config.nafZnCertificatePath = path(pki->nafZn.certificatePath);
        config.nafZnKeyPath = path(pki->nafZn.keyPath);
        config.operatorCaPath = path(pki->operatorCa.certificatePath);
        if (options.isSet(QStringLiteral("portal-url")))
            config.portalApiUrl = QUrl(options.value(QStringLiteral("portal-url")));
    }
    return config;
}

// Queues an admin request for the leading iot-portald (any process sharing the database) and
// waits for its outcome: prints the result, exit 0 done, 1 failed or not taken in --wait-s.
int runAdminRequest(Runtime::ProgramOptions &options, Store::Store &store, const QString &action,
                    const QString &subject, const QJsonObject &requestOptions)
{
    auto waitS = options.integer(QStringLiteral("wait-s"), 1, 24 * 3600);
    if (!waitS)
        return fail(ExitUsage, waitS.error());
    auto id = store.requestAdminAction(action, subject, requestOptions,
                                       store.operatorName(QStringLiteral("cli")));
    if (!id)
        return fail(ExitFailure, id.error());
    (void)store.audit(store.operatorName(QStringLiteral("cli")),
                      action + QStringLiteral(".requested"),
                      subject.isEmpty() ? QStringLiteral("request:%1").arg(*id) : subject);
    QDeadlineTimer deadline(*waitS * 1000);
    for (;;) {
        auto request = store.findAdminRequest(*id);
        if (!request)
            return fail(ExitFailure, request.error());
        if (request->state != Store::AdminRequestState::Pending) {
            QTextStream out(request->state == Store::AdminRequestState::Done ? stdout : stderr);
            out << request->result << (request->result.endsWith(QLatin1Char('\n')) ? "" : "\n");
            return request->state == Store::AdminRequestState::Done ? ExitOk : ExitFailure;
        }
        if (deadline.hasExpired())
            return fail(ExitFailure,
                        makeError("portald.no_leader",
                                  QStringLiteral("no running iot-portald did request %1 within "
                                                 "%2 s; it stays queued for the next leader")
                                      .arg(*id)
                                      .arg(*waitS)
                                      .toStdString()));
        QThread::msleep(200);
    }
}

int runReconcileCommand(Runtime::ProgramOptions &options, Store::Store &store)
{
    return runAdminRequest(options, store, QStringLiteral("reconcile"), QString(), {});
}

int runInstanceCommand(Runtime::ProgramOptions &options, Store::Store &store)
{
    const QString action = options.positionalArguments().value(1);
    if (action == QLatin1String("list")) {
        auto instances = store.instances();
        if (!instances)
            return fail(ExitFailure, instances.error());
        QTextStream out(stdout);
        for (const Store::Instance &instance : *instances) {
            out << instance.id << " backend=" << instance.backend << " class=" << instance.className
                << " template=" << instance.templateName
                << " state=" << Store::toText(instance.state) << " url=" << instance.url;
            if (!instance.reason.isEmpty())
                out << " reason=\"" << instance.reason << '"';
            out << '\n';
        }
        return ExitOk;
    }
    static const QStringList machineActions = {QStringLiteral("start"), QStringLiteral("stop"),
                                               QStringLiteral("reboot"),
                                               QStringLiteral("hard-reboot")};
    if (action != QLatin1String("reprovision") && action != QLatin1String("console") &&
        action != QLatin1String("delete") && !machineActions.contains(action))
        return fail(ExitUsage, usage("instance needs one of: list, reprovision, start, stop, "
                                     "reboot, hard-reboot, console, delete"));
    auto id = options.integer(QStringLiteral("id"), 1, std::numeric_limits<qint64>::max());
    if (!id)
        return fail(ExitUsage,
                    usage("instance " + action.toStdString() + " needs --id <instance id>"));
    const QString subject = QStringLiteral("instance:%1").arg(*id);
    if (action == QLatin1String("console"))
        return runAdminRequest(options, store, QStringLiteral("instance.console"), subject,
                               {{QStringLiteral("lines"), 200}});
    if (action == QLatin1String("delete"))
        return runAdminRequest(options, store, QStringLiteral("instance.delete"), subject, {});
    if (machineActions.contains(action))
        return runAdminRequest(options, store, QStringLiteral("instance.action"), subject,
                               {{QStringLiteral("action"), action}});
    return runAdminRequest(options, store, QStringLiteral("instance.reprovision"), subject,
                           {{QStringLiteral("noop"), options.isSet(QStringLiteral("noop"))}});
}

// `secret set|remove --name N`: the value is read from standard input (one line, at most
// 16 KiB), so it never appears in a process list or a shell history.
int runSecretCommand(Runtime::ProgramOptions &options)
{
    const QString action = options.positionalArguments().value(1);
    const QString name = options.value(QStringLiteral("name"));
    if ((action != QLatin1String("set") && action != QLatin1String("remove")) || name.isEmpty())
        return fail(ExitUsage, usage("use: secret set|remove --name N [--secrets-file F]; set "
                                     "reads the value from standard input"));
    if (!options.isSet(QStringLiteral("secrets-file")) && !options.isSet(QStringLiteral("pki-dir")))
        return fail(ExitUsage, usage("secret needs --secrets-file or --pki-dir"));
    Secrets::FileSecretStore store(options.isSet(QStringLiteral("secrets-file"))
                                       ? options.value(QStringLiteral("secrets-file"))
                                       : QDir(options.value(QStringLiteral("pki-dir")))
                                             .filePath(QStringLiteral("secrets.json")));
    std::optional<Result<void>> answer;
    QObject context;
    const auto done = [&answer](const Result<void> &result) { answer = result; };
    if (action == QLatin1String("set")) {
        QFile input;
        if (!input.open(stdin, QIODevice::ReadOnly))
            return fail(ExitFailure, usage("cannot read standard input"));
        QByteArray value = input.readLine(Secrets::kMaxSecretBytes + 2);
        while (value.endsWith('\n') || value.endsWith('\r'))
            value.chop(1);
        if (value.isEmpty())
            return fail(ExitUsage, usage("secret set: give the value on standard input"));
        store.write(name, value, &context, done);
        std::fill(value.begin(), value.end(), '\0');
    } else {
        store.remove(name, &context, done);
    }
    while (!answer)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    if (!*answer)
        return fail(answer->error().code == "secrets.invalid" ? ExitUsage : ExitFailure,
                    answer->error());
    return ExitOk;
}

int runServe(Runtime::ProgramOptions &options, BackendDecorator decorateBackend)
{
    auto config = serveConfig(options);
    if (!config)
        return fail(config.error().code == "options.invalid" ? ExitUsage : ExitCannotStart,
                    config.error());
    PortaldProgram program(*config, std::move(decorateBackend));
    if (auto started = program.start(); !started)
        return fail(ExitCannotStart, started.error());
    // The API port file last: whoever waits for it finds the other port files written.
    if (options.isSet(QStringLiteral("naf-port-file")) && program.nafPort() != 0) {
        if (auto written = Runtime::writePortFile(options.value(QStringLiteral("naf-port-file")),
                                                  program.nafPort());
            !written)
            return fail(ExitCannotStart, written.error());
    }
    if (options.isSet(QStringLiteral("naf-psk-port-file")) && program.nafPskPort() != 0) {
        if (auto written = Runtime::writePortFile(
                options.value(QStringLiteral("naf-psk-port-file")), program.nafPskPort());
            !written)
            return fail(ExitCannotStart, written.error());
    }
    if (options.isSet(QStringLiteral("port-file"))) {
        if (auto written = Runtime::writePortFile(options.value(QStringLiteral("port-file")),
                                                  program.apiPort());
            !written)
            return fail(ExitCannotStart, written.error());
    }
    Runtime::ShutdownSignals shutdown;
    QObject::connect(&shutdown, &Runtime::ShutdownSignals::shutdownRequested, [](int number) {
        qCInfo(lcPortald) << "signal" << number << "received; stopping";
        QCoreApplication::quit();
    });
    const int code = QCoreApplication::exec();
    program.stop();
    return code == 0 ? ExitOk : ExitFailure;
}

} // namespace

PortaldProgram::PortaldProgram(PortaldConfig config, BackendDecorator decorateBackend)
    : m_config(std::move(config)), m_decorateBackend(std::move(decorateBackend))
{
}

PortaldProgram::~PortaldProgram()
{
    stop();
}

Result<void> PortaldProgram::start()
{
    auto store = Store::Store::open(m_config.database);
    if (!store)
        return store.error();
    m_store = std::move(*store);

    auto backend = makeBackend();
    if (!backend)
        return backend.error();
    m_backend = m_decorateBackend ? m_decorateBackend(std::move(*backend)) : std::move(*backend);
    qCInfo(lcPortald).noquote() << "cloud backend" << m_backend->name() << "owner tag"
                                << m_config.engine.ownerTag;

    auto credentials = Engine::DeviceCredentials::loadOrCreate(m_config.credentialKeyPath);
    if (!credentials)
        return credentials.error();
    auto authority =
        Crypto::PrivateKey::fromPem(readSmallFile(m_config.deviceAuthorityKeyPath).toStdString());
    if (!authority)
        return authority.error();
    const auto authorityPoint = authority->publicKeyUncompressedPoint();
    // For the provisioning wizard, which writes it into every device it provisions.
    if (auto stored =
            m_store->setPortalKey(QStringLiteral("device-authority"),
                                  QByteArray(reinterpret_cast<const char *>(authorityPoint.data()),
                                             qsizetype(authorityPoint.size())));
        !stored)
        return stored.error();
    m_config.engine.deviceAuthority =
        std::make_shared<const Crypto::PrivateKey>(std::move(*authority));
    auto adminTls = Cloud::makeAdminTlsConfiguration(
        {m_config.adminCertificatePath, m_config.adminKeyPath, m_config.portalCaCertificatePath});
    if (!adminTls)
        return adminTls.error();
    m_engine = std::make_unique<Engine::PortalEngine>(*m_store, *m_backend, *adminTls,
                                                      std::move(*credentials), m_config.engine);

    auto apiTls = Http::makeServerTlsConfiguration(
        {m_config.apiCertificatePath,
         m_config.apiKeyPath,
         {m_config.gatewayCaCertificatePath, m_config.portalCaCertificatePath}});
    if (!apiTls)
        return apiTls.error();
    m_api = std::make_unique<PortalApi::PortalApi>(*m_engine, m_config.api);
    m_apiServer = std::make_unique<Http::HttpServer>(
        [this](const Http::HttpRequest &request) { return m_api->handle(request); });
    auto port = m_apiServer->listen(m_config.listenAddress, m_config.apiPort, *apiTls);
    if (!port)
        return port.error();
    m_apiPort = *port;
    qCInfo(lcPortald).noquote() << "portal API listening on" << m_config.listenAddress.toString()
                                << "port" << m_apiPort
                                << "(https, gateway client certificate required)";
    m_engine->start();

    if (m_config.bsfZnUrl.isEmpty())
        return {};
    Gba::NafServiceConfig naf;
    naf.listenAddress = m_config.listenAddress;
    naf.port = m_config.nafPort;
    naf.servePskTls = true;
    naf.pskPort = m_config.nafPskPort;
    naf.nafFqdn = m_config.nafFqdn;
    naf.tlsCertificatePath = m_config.nafCertificatePath;
    naf.tlsKeyPath = m_config.nafKeyPath;
    naf.znUrl = m_config.bsfZnUrl;
    naf.znCertificatePath = m_config.nafZnCertificatePath;
    naf.znKeyPath = m_config.nafZnKeyPath;
    naf.operatorCaPath = m_config.operatorCaPath;
    naf.portalCaCertificatePath = m_config.portalCaCertificatePath;
    naf.gatewayCaCertificatePath = m_config.gatewayCaCertificatePath;
    naf.gatewayCaKeyPath = m_config.gatewayCaKeyPath;
    naf.reservedIds = m_config.reservedGatewayIds;
    naf.portalApiUrl = m_config.portalApiUrl.isEmpty()
                           ? QUrl(QStringLiteral("https://localhost:%1/api/v1").arg(m_apiPort))
                           : m_config.portalApiUrl;
    m_naf = std::make_unique<Gba::NafService>(
        naf, [this](const QString &gatewayId, const QString &impi) -> Result<void> {
            auto bound = m_store->bindGatewayImpi(gatewayId, impi);
            (void)m_store->audit(
                QStringLiteral("naf"),
                bound ? QStringLiteral("gateway.enrol") : QStringLiteral("gateway.enrol_refused"),
                QStringLiteral("gateway:") + gatewayId,
                bound ? impi
                      : QStringLiteral("%1 (IMPI %2)")
                            .arg(QString::fromStdString(bound.error().code), impi));
            return bound;
        });
    m_naf->setRefusalSink(
        [this](const QString &gatewayId, const QString &impi, const Error &reason) {
            (void)m_store->audit(
                QStringLiteral("naf"), QStringLiteral("gateway.enrol_refused"),
                QStringLiteral("gateway:") + gatewayId,
                QStringLiteral("%1 (IMPI %2)").arg(QString::fromStdString(reason.code), impi));
        });
    m_naf->setAuthFailureSink(
        [this](const QString &source, const QString &identity, const QString &reason) {
            if (auto counted = m_store->recordAuthFailure(source, identity, reason); !counted)
                qCWarning(lcPortald) << "could not count a failed NAF authentication:"
                                     << counted.error().message.c_str();
        });
    auto nafPort = m_naf->start();
    if (!nafPort)
        return nafPort.error();
    m_nafPort = *nafPort;
    m_nafPskPort = m_naf->pskPort();
    return {};
}

Result<std::unique_ptr<Cloud::CloudBackend>> PortaldProgram::makeBackend() const
{
    if (m_config.cloudBackend == QLatin1String("openstack")) {
        auto cloud = Cloud::OpenStack::CloudsConfig::load(
            Cloud::OpenStack::CloudsConfig::Environment::fromProcess(), m_config.osCloud);
        if (!cloud)
            return cloud.error();
        Cloud::OpenStackBackendConfig config;
        config.cloud = *cloud;
        config.ownerTag = m_config.engine.ownerTag;
        auto backend = Cloud::OpenStackBackend::create(config);
        if (!backend)
            return backend.error();
        return std::unique_ptr<Cloud::CloudBackend>(std::move(*backend));
    }
    Cloud::LocalBackendConfig config;
    config.m2mServicePath = m_config.m2mServicePath;
    config.instancesDir = m_config.instancesDir;
    config.portalCaCertificatePath = m_config.portalCaCertificatePath;
    config.portalCaKeyPath = m_config.portalCaKeyPath;
    config.adminCaCertificatePath = m_config.adminCaCertificatePath;
    config.adminTls = {m_config.adminCertificatePath, m_config.adminKeyPath,
                       m_config.portalCaCertificatePath};
    config.listenAddress = QHostAddress::LocalHost;
    auto backend = Cloud::LocalBackend::create(config);
    if (!backend)
        return backend.error();
    return std::unique_ptr<Cloud::CloudBackend>(std::move(*backend));
}

void PortaldProgram::stop()
{
    m_naf.reset();
    m_apiServer.reset();
    m_api.reset();
    if (m_engine)
        m_engine->stop();
    if (m_backend)
        m_backend->shutdown();
    m_engine.reset();
    m_backend.reset();
    m_store.reset();
}

int runPortaldProgram(const QStringList &arguments, BackendDecorator decorateBackend)
{
    Runtime::ProgramOptions options(QStringLiteral(
        "IoT portal service: the gateway API, device placement and instances (local or "
        "OpenStack).\n"
        "  iot-portald [options]                         serve the portal API\n"
        "  iot-portald template add --name N [--image …]\n"
        "  iot-portald class add|list --name N --template T [--vendor …] [--sharing …]\n"
        "  iot-portald device register --id HEX16 --public-key B64 --class N\n"
        "  iot-portald gateway block|unblock --id G | allow-ids --impi I --max N\n"
        "  iot-portald instance list | reprovision --id N [--noop] |\n"
        "      start|stop|reboot|hard-reboot|console|delete --id N\n"
        "  iot-portald user add --name N --csr FILE --pki-dir DIR [--days D] [--out FILE] |\n"
        "              remove --name N | list             oneM2M users' certificates (users CA)\n"
        "  iot-portald reconcile                         compare the store with the cloud now\n"
        "  iot-portald ssh trust --ssh-target U@H[:P] --pki-dir DIR [--fingerprint SHA256:…]\n"
        "  iot-portald secret set|remove --name N --pki-dir DIR   (value on standard input)\n"
        "  iot-portald pki init --pki-dir DIR            create the lab PKI (once)\n"
        "  iot-portald pki authority-key --pki-dir DIR   print the device-authority public key"));
    auto &parser = options.parser();
    parser.addPositionalArgument(QStringLiteral("command"),
                                 QStringLiteral("serve (default), template, class, device, "
                                                "gateway, instance, reconcile, ssh, secret, pki"));
    using O = QCommandLineOption;
    const auto add = [&options](const char *name, const char *help, const char *valueName,
                                const QString &defaultValue = QString()) {
        options.addOption(O(QLatin1String(name), QString::fromUtf8(help), QLatin1String(valueName),
                            defaultValue));
    };
    add("database", "SQLite file (created 0600) or postgresql://user:pw@host:port/db.", "spec",
        QStringLiteral("portal.sqlite"));
    add("listen", "Address of the portal API.", "address", QStringLiteral("127.0.0.1"));
    add("port", "Portal API port (0: any free port).", "port", QStringLiteral("0"));
    add("port-file", "Write the bound portal API port to this file.", "file");
    add("tls-cert", "Portal API server certificate (default: the PKI's portal-api).", "file");
    add("tls-key", "Portal API server key (default: the PKI's portal-api).", "file");
    add("client-ca", "CA of gateway client certificates (default: the PKI's gateway CA).", "file");
    add("pki-dir",
        "Lab PKI directory (created on first run, an older layout upgraded): the operator, "
        "portal, gateway, admin and users CAs, portal-api, portal-admin.",
        "dir");
    add("impi", "gateway allow-ids: the subscriber (IMPI).", "impi");
    add("csr", "user add: the user's PKCS#10 request (PEM).", "file");
    add("days", "user add: validity in days (1..825).", "days", QStringLiteral("365"));
    add("out", "user add: write the certificate here (default: standard output).", "file");
    add("max", "gateway allow-ids: how many gateway ids the IMPI may enrol.", "n");
    add("credential-key",
        "Device credential key file, 0600 (default: <pki-dir>/"
        "device-credential.key).",
        "file");
    add("instances-dir", "Where local instances keep their data.", "dir",
        QStringLiteral("instances"));
    add("m2m-service-path", "The iot-m2m-service program for local instances.", "file");
    add("owner-tag", "Tag marking the instances this portal owns.", "tag",
        QStringLiteral("iot-portal"));
    add("auth-failure-pull-interval",
        "Seconds between copies of each instance's failed authentications into the audit.",
        "seconds", QStringLiteral("30"));
    add("cloud", "Where instances run: local (child processes) or openstack.", "backend",
        QStringLiteral("local"));
    add("os-cloud",
        "openstack: the clouds.yaml entry (default: OS_CLOUD, or the only one; "
        "OS_* variables without a clouds.yaml work too).",
        "name");
    add("ssh-target",
        "Configure instances with Puppet through this SSH login (user@host[:port]); without it "
        "the local backend's Puppet step is skipped. ssh trust: the host to trust.",
        "login");
    add("instance-ssh-user",
        "openstack: configure each instance with Puppet over SSH at its own address, as this "
        "user; host keys are the ones the portal gave the servers (no trust decision).",
        "user");
    add("instance-ssh-port", "The instances' SSH port.", "port", QStringLiteral("22"));
    add("ssh-key",
        "Private key for --ssh-target and --instance-ssh-user (no passphrase; or use "
        "--ssh-agent).",
        "file");
    options.addOption(O(QStringLiteral("ssh-agent"), QStringLiteral("Also try ssh-agent.")));
    add("ssh-config",
        "An OpenSSH client config whose Host sections apply to the SSH targets (HostName, Port, "
        "User, IdentityFile, ProxyJump); none is read otherwise.",
        "file");
    add("known-hosts", "The portal's known_hosts (default: <pki-dir>/known_hosts).", "file");
    add("secrets-file",
        "Secrets file, 0600 (default: <pki-dir>/secrets.json): e.g. the --ssh-key passphrase "
        "as ssh-key-passphrase:<absolute key path>.",
        "file");
    add("fingerprint", "ssh trust: the host key fingerprint (SHA256:…) you checked.", "text");
    add("bsf-zn-url", "Serve the NAF: the BSF's Zn URL (https://…/zn).", "url");
    add("naf-port", "NAF Ua port (0: any free port).", "port", QStringLiteral("0"));
    add("naf-port-file", "Write the bound NAF port to this file.", "file");
    add("naf-psk-port", "NAF Ua PSK-TLS port (TS 33.222; 0: any free port).", "port",
        QStringLiteral("0"));
    add("naf-psk-port-file", "Write the bound NAF PSK-TLS port to this file.", "file");
    add("naf-fqdn", "The NAF's configured name (part of NAF_Id).", "name",
        QStringLiteral("naf.lab.example"));
    add("portal-url", "Portal API URL told to enrolled gateways.", "url");
    add("name", "template/class add: the name; secret: the secret's name; user: the user.", "name");
    add("template", "class add: the VM template.", "name");
    add("image", "template add: image.", "name");
    add("flavor", "template add: flavor.", "name");
    add("network", "template add: network (openstack: name or id, or none).", "name");
    add("key-name", "template add: Nova key pair.", "name");
    add("security-groups", "template add: security groups, comma separated.", "names");
    add("puppet-file",
        "template add: JSON file with the template's Puppet content (classes, packages, files, "
        "services, modules, portalFilesDir).",
        "file");
    add("admin-port", "template add: the instance's HTTPS port (openstack; default 8443).", "port");
    add("vendor", "class add: vendor to match (empty: any).", "text");
    add("type", "class add: type to match (empty: any).", "text");
    add("subscriber", "class add: subscriber to match (empty: any).", "text");
    add("priority", "class add: tie-break priority (higher wins).", "number", QStringLiteral("0"));
    add("sharing", "class add: shared or dedicated.", "policy", QStringLiteral("shared"));
    add("capacity", "class add: devices per shared instance.", "number", QStringLiteral("100"));
    add("enrolment", "class add: preregistered or open.", "policy",
        QStringLiteral("preregistered"));
    add("id", "device register: device id; gateway: gateway id.", "id");
    add("public-key", "device register: base64 of the 65-byte public key.", "base64");
    add("class", "device register: the device class.", "name");
    options.addOption(O(QStringLiteral("noop"),
                        QStringLiteral("instance reprovision: a dry run (puppet --noop).")));
    add("wait-s", "reconcile, instance reprovision: how long to wait for the leader.", "seconds",
        QStringLiteral("900"));
    if (auto parsed = options.parse(arguments); !parsed)
        return fail(ExitUsage, parsed.error());

    const QString command = options.positionalArguments().value(0, QStringLiteral("serve"));
    if (command == QLatin1String("serve"))
        return runServe(options, std::move(decorateBackend));
    if (command == QLatin1String("ssh"))
        return runSshTrust(options);
    if (command == QLatin1String("secret"))
        return runSecretCommand(options);
    if (command == QLatin1String("pki")) {
        const QString action = options.positionalArguments().value(1);
        if ((action != QLatin1String("init") && action != QLatin1String("authority-key")) ||
            !options.isSet(QStringLiteral("pki-dir")))
            return fail(ExitUsage, usage("use: pki init|authority-key --pki-dir DIR"));
        auto pki = Crypto::LabPki::ensure(options.value(QStringLiteral("pki-dir")).toStdString());
        if (!pki)
            return fail(ExitFailure, pki.error());
        QTextStream out(stdout);
        if (action == QLatin1String("authority-key")) {
            // What provisioning writes into a device (sensor-node-sim --authority-key).
            auto key = Crypto::PrivateKey::fromPem(
                readSmallFile(QString::fromStdString(pki->deviceAuthorityKeyPath)).toStdString());
            if (!key)
                return fail(ExitFailure, key.error());
            const auto point = key->publicKeyUncompressedPoint();
            out << QByteArray(reinterpret_cast<const char *>(point.data()), qsizetype(point.size()))
                       .toBase64()
                << '\n';
            return ExitOk;
        }
        for (const std::string &step : pki->upgraded)
            out << QString::fromStdString(step) << '\n';
        out << (pki->created            ? "created"
                : pki->upgraded.empty() ? "reused"
                                        : "upgraded")
            << " the lab PKI in " << options.value(QStringLiteral("pki-dir")) << '\n';
        return ExitOk;
    }
    using Command = int (*)(Runtime::ProgramOptions &, Store::Store &);
    Command run = nullptr;
    if (command == QLatin1String("template"))
        run = runTemplateCommand;
    else if (command == QLatin1String("class"))
        run = runClassCommand;
    else if (command == QLatin1String("device"))
        run = runDeviceCommand;
    else if (command == QLatin1String("gateway"))
        run = runGatewayCommand;
    else if (command == QLatin1String("instance"))
        run = runInstanceCommand;
    else if (command == QLatin1String("reconcile"))
        run = runReconcileCommand;
    else if (command == QLatin1String("user"))
        run = runUserCommand;
    if (!run)
        return fail(ExitUsage, usage("unknown command; use serve, template, class, device, "
                                     "gateway, instance, user, reconcile, ssh or pki"));
    auto store = openStore(options);
    if (!store)
        return fail(ExitCannotStart, store.error());
    return run(options, **store);
}

} // namespace Portal::Portald
