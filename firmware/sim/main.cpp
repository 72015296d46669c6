#include "sensornodesim.h"

#include <cstdio>

int main(int argc, char **argv)
{
    using namespace Portal::SensorNodeSim;
    Portal::Result<SimOptions> options = parseSimOptions(argc, argv);
    if (!options) {
        std::fprintf(stderr, "sensor-node-sim: %s\n%s", options.error().message.c_str(),
                     simUsage().c_str());
        return ExitUsage;
    }
    return SensorNodeSimProgram(std::move(*options)).run();
}
