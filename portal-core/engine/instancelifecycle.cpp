#include "instancelifecycle.h"

namespace Portal::Engine::InstanceLifeCycle {

const char *toText(Event event)
{
    switch (event) {
    case Event::MachineBuilding:
        return "machine building";
    case Event::MachineRunning:
        return "machine running";
    case Event::MachineFailed:
        return "machine failed";
    case Event::MachineVanished:
        return "machine vanished";
    case Event::AddressChanged:
        return "address changed";
    case Event::Configured:
        return "configured";
    case Event::ConfiguringFailed:
        return "configuring failed";
    case Event::Reprovisioned:
        return "reprovisioned";
    case Event::Deleted:
        return "deleted";
    case Event::TimedOut:
        return "timed out";
    }
    return "unknown";
}

} // namespace Portal::Engine::InstanceLifeCycle
