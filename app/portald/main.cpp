#include "portaldprogram.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("iot-portald"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PORTAL_VERSION));
    return Portal::Portald::runPortaldProgram(QCoreApplication::arguments());
}
