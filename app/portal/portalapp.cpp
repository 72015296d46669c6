#include "portalapp.h"

#include "mainwindow.h"

#include <portal-core/cloud/admintls.h>
#include <portal-core/crypto/labpki.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QLibraryInfo>
#include <QMessageBox>
#include <QSettings>
#include <QTranslator>

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
    const QCommandLineOption database(
        QStringLiteral("database"),
        QApplication::translate("main", "SQLite file or postgresql://user:pw@host:port/db."),
        QStringLiteral("spec"), QStringLiteral("portal.sqlite"));
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
    parser.addOption(pkiDir);
    parser.addOption(language);
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
    auto store = Store::Store::open(parser.value(database));
    if (!store) {
        QMessageBox::critical(
            nullptr, QApplication::translate("main", "IoT Portal"),
            QApplication::translate("main", "Cannot open the database %1: %2\n\nCheck "
                                            "the path or URL given with --database.")
                .arg(parser.value(database), QString::fromStdString(store.error().message)));
        return 3;
    }
    std::optional<QSslConfiguration> adminTls;
    if (parser.isSet(pkiDir)) {
        // An existing folder only: a new PKI here would be a CA no instance trusts.
        const QString dir = parser.value(pkiDir);
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
    MainWindow window(**store, parser.value(database), refresh, adminTls);
    window.show();
    return QApplication::exec();
}

} // namespace Portal::Gui
