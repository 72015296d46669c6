#include "portalapp.h"

#include "mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>

namespace Portal::Gui {

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
    parser.addOption(database);
    parser.addOption(refreshMs);
    parser.process(app);
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
    MainWindow window(**store, parser.value(database), refresh);
    window.show();
    return QApplication::exec();
}

} // namespace Portal::Gui
