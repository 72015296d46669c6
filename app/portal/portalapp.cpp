#include "portalapp.h"

#include "demolab.h"
#include "mainwindow.h"

#include <portal-core/cloud/admintls.h>
#include <portal-core/crypto/labpki.h>
#include <portal-core/runtime/shutdownsignals.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QLibraryInfo>
#include <QMessageBox>
#include <QProgressDialog>
#include <QSettings>
#include <QTranslator>

#include <memory>

namespace Portal::Gui {

QStringList availableLanguages()
{
    return {QStringLiteral("fi"), QStringLiteral("de")};
}

bool installTranslation(const QString &language)
{
    const QLocale locale = language.isEmpty() ? QLocale::system() : QLocale(language);
    auto *translator = new QTranslator(QCoreApplication::instance());
    if (!translator->load(locale, QStringLiteral("iot-portal"), QStringLiteral("_"),
                          QStringLiteral(":/i18n"))) {
        delete translator;
        return false;
    }
    QCoreApplication::installTranslator(translator);
    // Qt's own strings (dialog buttons) where the system has them.
    auto *qtTranslator = new QTranslator(QCoreApplication::instance());
    if (qtTranslator->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                           QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qtTranslator);
    else
        delete qtTranslator;
    return true;
}

int runPortalApp(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("iot-portal"));
    QApplication::setApplicationName(QStringLiteral("iot-portal"));
    QApplication::setApplicationVersion(QStringLiteral(PORTAL_VERSION));
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "IoT Portal: manage gateways, devices, device classes, "
                                        "VM templates and instances."));
    parser.addHelpOption();
    parser.addVersionOption();
    // The Connections page's choice for this start, when one was made.
    const QString savedDatabase = QSettings().value(QStringLiteral("database")).toString();
    const QCommandLineOption database(
        QStringLiteral("database"),
        QApplication::translate("main", "SQLite file or postgresql://user:pw@host:port/db."),
        QStringLiteral("spec"),
        savedDatabase.isEmpty() ? QStringLiteral("portal.sqlite") : savedDatabase);
    const QCommandLineOption refreshMs(
        QStringLiteral("refresh-ms"),
        QApplication::translate("main", "How often the views re-read the store."),
        QStringLiteral("ms"), QStringLiteral("2000"));
    const QCommandLineOption pkiDir(
        QStringLiteral("pki-dir"),
        QApplication::translate("main", "The portal's PKI folder (as given to iot-portald): its "
                                        "portal-admin certificate reads readings and sends "
                                        "commands on instances."),
        QStringLiteral("dir"));
    parser.addOption(database);
    parser.addOption(refreshMs);
    const QCommandLineOption language(
        QStringLiteral("language"),
        QApplication::translate("main", "fi, de or en; default: the one chosen in Settings, "
                                        "else the system's."),
        QStringLiteral("code"));
    const QCommandLineOption demo(
        QStringLiteral("demo"),
        QApplication::translate("main", "Open on the embedded lab (scripts/demo), starting it if "
                                        "it is not running; it stops with the window."));
    const QCommandLineOption labDir(
        QStringLiteral("lab-dir"), QApplication::translate("main", "The lab's folder for --demo."),
        QStringLiteral("dir"), QStringLiteral(PORTAL_SOURCE_DIR "/build/demo-lab"));
    parser.addOption(pkiDir);
    parser.addOption(language);
    parser.addOption(demo);
    parser.addOption(labDir);
    parser.process(app);
    installTranslation(parser.isSet(language)
                           ? parser.value(language)
                           : QSettings().value(QStringLiteral("language")).toString());
    bool refreshOk = false;
    const int refresh = parser.value(refreshMs).toInt(&refreshOk);
    if (!refreshOk || refresh < 100 || refresh > 600000) {
        fprintf(stderr, "iot-portal: --refresh-ms must be 100..600000\n");
        return 2;
    }
    // SIGTERM/SIGINT close the window in order, so a lab started by --demo stops with it.
    Runtime::ShutdownSignals shutdownSignals;
    QObject::connect(&shutdownSignals, &Runtime::ShutdownSignals::shutdownRequested, &app,
                     &QCoreApplication::quit);
    QString databaseSpec = parser.value(database);
    QString pkiFolder = parser.value(pkiDir);
    std::unique_ptr<DemoLab> lab;
    if (parser.isSet(demo)) {
        // Programs from this build when it has them (no second build of the tree).
        const QString buildDir = QDir(QCoreApplication::applicationDirPath()).filePath("../..");
        if (QFileInfo::exists(buildDir + QStringLiteral("/app/portald/iot-portald")))
            qputenv("PORTAL_BIN_DIR", QDir(buildDir).canonicalPath().toLocal8Bit());
        lab = std::make_unique<DemoLab>(QStringLiteral(PORTAL_SOURCE_DIR "/scripts/demo"),
                                        parser.value(labDir));
        QProgressDialog progress(QApplication::translate("main", "Starting the lab…"),
                                 QApplication::translate("main", "Cancel"), 0, 0);
        progress.setWindowTitle(QApplication::translate("main", "IoT Portal demo"));
        progress.setMinimumDuration(0);
        QEventLoop loop;
        QString failure;
        QObject::connect(lab.get(), &DemoLab::progress, &progress, &QProgressDialog::setLabelText);
        QObject::connect(lab.get(), &DemoLab::ready, &loop, &QEventLoop::quit);
        QObject::connect(lab.get(), &DemoLab::failed, &loop, [&](const QString &message) {
            failure = message;
            loop.quit();
        });
        const auto cancel = [&] {
            failure = QApplication::translate("main", "Cancelled.");
            loop.quit();
        };
        QObject::connect(&progress, &QProgressDialog::canceled, &loop, cancel);
        QObject::connect(&shutdownSignals, &Runtime::ShutdownSignals::shutdownRequested, &loop,
                         cancel);
        lab->start();
        if (failure.isEmpty() && !DemoLab::isRunning(parser.value(labDir)))
            loop.exec();
        if (!failure.isEmpty()) {
            lab->stop();
            QMessageBox::critical(
                nullptr, QApplication::translate("main", "IoT Portal demo"),
                QApplication::translate("main", "The lab did not start: %1").arg(failure));
            return 3;
        }
        databaseSpec = lab->databasePath();
        pkiFolder = lab->pkiDir();
    }
    auto store = Store::Store::open(databaseSpec);
    if (!store) {
        QMessageBox::critical(
            nullptr, QApplication::translate("main", "IoT Portal"),
            QApplication::translate("main", "Cannot open the database %1: %2\n\nCheck "
                                            "the path or URL given with --database.")
                .arg(databaseSpec, QString::fromStdString(store.error().message)));
        return 3;
    }
    std::optional<QSslConfiguration> adminTls;
    if (!pkiFolder.isEmpty()) {
        // An existing folder only: a new PKI here would be a CA no instance trusts.
        const QString dir = pkiFolder;
        auto pki = QDir(dir).exists(QStringLiteral("portal-ca.crt"))
                       ? Crypto::LabPki::ensure(dir.toStdString())
                       : Result<Crypto::LabPkiPaths>(makeError("gui.no_pki", "no portal-ca.crt"));
        auto tls = pki ? Cloud::makeAdminTlsConfiguration(
                             {QString::fromStdString(pki->portalAdmin.certificatePath),
                              QString::fromStdString(pki->portalAdmin.keyPath),
                              QString::fromStdString(pki->portalCa.certificatePath)})
                       : Result<QSslConfiguration>(pki.error());
        if (!tls) {
            QMessageBox::critical(
                nullptr, QApplication::translate("main", "IoT Portal"),
                QApplication::translate("main", "Cannot use the PKI folder %1: %2\n\nGive "
                                                "--pki-dir the folder iot-portald uses.")
                    .arg(dir, QString::fromStdString(tls.error().message)));
            return 3;
        }
        adminTls = *tls;
    }
    Secrets::KeychainSecretStore keychain;
    MainWindow window(**store, databaseSpec, refresh, adminTls, &keychain);
    window.show();
    return QApplication::exec();
}

} // namespace Portal::Gui
