#include "bsfprogram.h"

#include <portal-core/crypto/openssllifetime.h>

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    Portal::Crypto::keepOpenSslUntilExit();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("iot-bsf"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PORTAL_VERSION));
    return Portal::Bsf::runBsfProgram(QCoreApplication::arguments());
}
