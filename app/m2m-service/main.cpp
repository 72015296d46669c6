#include "m2mprogram.h"

#include <portal-core/crypto/openssllifetime.h>

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    Portal::Crypto::keepOpenSslUntilExit();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("iot-m2m-service"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PORTAL_VERSION));
    return Portal::M2mService::runM2mServiceProgram(QCoreApplication::arguments());
}
