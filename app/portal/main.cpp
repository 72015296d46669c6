#include "portalapp.h"

#include <portal-core/crypto/openssllifetime.h>

int main(int argc, char *argv[])
{
    Portal::Crypto::keepOpenSslUntilExit();
    return Portal::Gui::runPortalApp(argc, argv);
}
