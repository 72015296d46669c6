// The gateway's parser of the BSF's <BootstrappingInfo> answer (untrusted network input):
// it must never crash, and whatever it accepts must survive a re-encode with the same fields.

#include <portal-core/gba/bootstrappinginfo.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    auto parsed = Portal::Gba::parseBootstrappingInfo(input);
    if (!parsed)
        return 0;
    auto again = Portal::Gba::parseBootstrappingInfo(Portal::Gba::encodeBootstrappingInfo(*parsed));
    if (!again || again->btid != parsed->btid || again->lifetime != parsed->lifetime)
        std::abort();
    return 0;
}
