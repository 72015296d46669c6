#pragma once
// The sensor-node-sim program: runs SensorNode::SensorNodeApp on the simulator board
// (simboard.h) with its record in a state file (statefile.h). main() only parses options.
//
// serve: a TCP server on --listen/--port (the gateway connects to it like to a serial port);
// one connection at a time, a second one is closed at once; on disconnect the state is kept
// and the next connection starts a new attach (HELLO). SIGTERM/SIGINT end it cleanly after
// saving the state. init / pubkey: see simoptions.h.
//
// Exit codes: 0 success, 1 runtime failure (state unreadable, corrupt or unwritable, cannot
// listen, already provisioned), 2 usage error.

#include "simoptions.h"

namespace Portal::SensorNodeSim {

enum ExitCode : int { ExitSuccess = 0, ExitFailure = 1, ExitUsage = 2 };

class SensorNodeSimProgram
{
public:
    explicit SensorNodeSimProgram(SimOptions options) : m_options(std::move(options)) {}

    int run();

private:
    int serve();
    int init();
    int printPublicKey();

    SimOptions m_options;
};

} // namespace Portal::SensorNodeSim
