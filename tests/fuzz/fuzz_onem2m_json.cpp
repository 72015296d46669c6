// The M2M service's parsers of oneM2M JSON bodies (contentInstance create, a returned
// contentInstance, accessControlPolicy) and the GUI's of a container listing (rcn=4):
// untrusted network input, bounded before parsing.

#include <portal-core/onem2m/resourcejson.h>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    constexpr qsizetype kMaxBodyBytes = 64 * 1024;
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    (void)Portal::OneM2M::parseContentInstanceCreate(input, kMaxBodyBytes);
    (void)Portal::OneM2M::parseContentInstance(input, kMaxBodyBytes);
    (void)Portal::OneM2M::parseAccessControlPolicy(input, kMaxBodyBytes);
    (void)Portal::OneM2M::parseContainerListing(input, kMaxBodyBytes);
    return 0;
}
