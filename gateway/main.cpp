#include "gatewayprogram.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("iot-gateway"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PORTAL_VERSION));
    return Portal::Gateway::runGatewayProgram(QCoreApplication::arguments());
}
