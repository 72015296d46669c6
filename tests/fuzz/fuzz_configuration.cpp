// The admin GUI's file imports (Portal::Engine configtransfer): a configuration JSON file and
// a device pre-registration CSV, untrusted files bounded before parsing. Both are run against
// a real SQLite store in a temporary folder, so what a bad file could write is exercised too.

#include <portal-core/engine/configtransfer.h>

#include <QCoreApplication>
#include <QTemporaryDir>

#include <cstddef>
#include <cstdint>

namespace {

// Never destroyed: at exit Qt Sql's own globals go first, and the fuzzer exits from anywhere.
QCoreApplication *application = nullptr;
QTemporaryDir *directory = nullptr;
Portal::Store::Store *store = nullptr;

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    application = new QCoreApplication(*argc, *argv);
    directory = new QTemporaryDir;
    auto opened = Portal::Store::Store::open(directory->filePath(QStringLiteral("fuzz.sqlite")));
    if (!opened)
        return 1;
    store = opened->release();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!store)
        return 0;
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    (void)Portal::Engine::importConfiguration(*store, input, QStringLiteral("fuzz"));
    (void)Portal::Engine::preregisterDevicesFromCsv(*store, input, QStringLiteral("fuzz"));
    return 0;
}
