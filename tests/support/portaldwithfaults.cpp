// Test-only iot-portald: the shipped program with a fault injected around its cloud backend,
// chosen by PORTAL_TEST_FAULT (kill-after-server-create). Nothing shipped links this; the
// shipped iot-portald has no way to inject a fault.

#include "faultinjectingbackend.h"

#include <app/portald/portaldprogram.h>
#include <portal-core/crypto/openssllifetime.h>

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    Portal::Crypto::keepOpenSslUntilExit();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("iot-portald"));
    const QStringList arguments = QCoreApplication::arguments();
    if (qEnvironmentVariable("PORTAL_TEST_FAULT") != QLatin1String("kill-after-server-create"))
        return Portal::Portald::runPortaldProgram(arguments);
    const int ownerAt = int(arguments.indexOf(QStringLiteral("--owner-tag")));
    const QString ownerTag =
        ownerAt > 0 ? arguments.value(ownerAt + 1) : QStringLiteral("iot-portal");
    return Portal::Portald::runPortaldProgram(
        arguments, [ownerTag](std::unique_ptr<Portal::Cloud::CloudBackend> backend) {
            return std::make_unique<Portal::Testing::KillAfterServerCreate>(std::move(backend),
                                                                            ownerTag);
        });
}
