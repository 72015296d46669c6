#include "avrharness.h"

#include <cstdio>

int main(int argc, char **argv)
{
    using namespace Portal::AvrHarness;
    Portal::Result<HarnessOptions> options = parseHarnessOptions(argc, argv);
    if (!options) {
        std::fprintf(stderr, "simavr-harness: %s\n%s", options.error().message.c_str(),
                     harnessUsage().c_str());
        return ExitUsage;
    }
    if (options->help) {
        std::fputs(harnessUsage().c_str(), stdout);
        return ExitOk;
    }
    AvrHarness harness(std::move(*options));
    Portal::Result<void> started = harness.start();
    if (!started) {
        std::fprintf(stderr, "simavr-harness: %s\n", started.error().message.c_str());
        return ExitFailure;
    }
    return harness.run();
}
