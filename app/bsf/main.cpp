#include "bsfprogram.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("iot-bsf"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PORTAL_VERSION));
    return Portal::Bsf::runBsfProgram(QCoreApplication::arguments());
}
