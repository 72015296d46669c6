#pragma once
// The instance life cycle (DESIGN §5) as one table: the states (Store::InstanceState), the
// events that move an instance, every allowed transition, and how long an instance may stay
// in each state before it times out. PortalEngine applies events only through next(); an
// event the table does not list for the current state changes nothing and is logged.
//
//   requested ─machine building─► building ─machine running─► configuring ─configured─► ready
//   requested ─machine running──────────────────────────────► configuring
//   configuring ─address changed─► configuring (a new run)   ready ─address changed─► ready
//   any but failed ─machine failed | deleted─► failed        configuring, ready ─vanished─► failed
//   requested, building, configuring ─timed out─► failed     configuring ─configuring failed─►
//   failed failed ─reprovisioned─► ready (an admin's successful re-provisioning)

#include <portal-core/store/storerecords.h>

#include <QDateTime>

#include <optional>

namespace Portal::Engine::InstanceLifeCycle {

using State = Store::InstanceState;

enum class Event {
    MachineBuilding,   // the backend is making the machine
    MachineRunning,    // the backend reports it running, with its address
    MachineFailed,     // the backend refused to create it or reports it failed
    MachineVanished,   // a machine this portal knew is gone (deleted outside the portal)
    AddressChanged,    // a running machine answers at another address
    Configured,        // the configuring run applied (or was skipped)
    ConfiguringFailed, // the configuring run failed
    Reprovisioned,     // an admin's re-provisioning of a failed instance succeeded
    Deleted,           // an admin deleted it
    TimedOut,          // longer in its state than timeoutMs allows
};

struct Transition
{
    State from;
    Event event;
    State to;
};

inline constexpr Transition kTransitions[] = {
    {State::Requested, Event::MachineBuilding, State::Building},
    {State::Requested, Event::MachineRunning, State::Configuring},
    {State::Requested, Event::MachineFailed, State::Failed},
    {State::Requested, Event::Deleted, State::Failed},
    {State::Requested, Event::TimedOut, State::Failed},
    {State::Building, Event::MachineRunning, State::Configuring},
    {State::Building, Event::MachineFailed, State::Failed},
    {State::Building, Event::Deleted, State::Failed},
    {State::Building, Event::TimedOut, State::Failed},
    {State::Configuring, Event::AddressChanged, State::Configuring},
    {State::Configuring, Event::Configured, State::Ready},
    {State::Configuring, Event::ConfiguringFailed, State::Failed},
    {State::Configuring, Event::MachineFailed, State::Failed},
    {State::Configuring, Event::MachineVanished, State::Failed},
    {State::Configuring, Event::Deleted, State::Failed},
    {State::Configuring, Event::TimedOut, State::Failed},
    {State::Ready, Event::AddressChanged, State::Ready},
    {State::Ready, Event::MachineFailed, State::Failed},
    {State::Ready, Event::MachineVanished, State::Failed},
    {State::Ready, Event::Deleted, State::Failed},
    {State::Failed, Event::Reprovisioned, State::Ready},
};

// The state an event moves `from` to; nullopt when the table does not allow it.
constexpr std::optional<State> next(State from, Event event)
{
    for (const Transition &transition : kTransitions) {
        if (transition.from == from && transition.event == event)
            return transition.to;
    }
    return std::nullopt;
}

// How long an instance may stay in a state (0: without limit). Backstops only: the backend
// and the configuring run (boot wait 5 min + Puppet 15 min) fail sooner on their own.
constexpr qint64 timeoutMs(State state)
{
    switch (state) {
    case State::Requested:
        return 10LL * 60 * 1000; // the backend never took the create
    case State::Building:
        return 30LL * 60 * 1000;
    case State::Configuring:
        return 30LL * 60 * 1000;
    case State::Ready:
    case State::Failed:
        return 0;
    }
    return 0;
}

// Whether an instance in `state` since `since` (Store::Instance::updatedAt, written with each
// transition) has timed out at `now`.
inline bool hasTimedOut(State state, const QDateTime &since, const QDateTime &now)
{
    const qint64 limit = timeoutMs(state);
    return limit > 0 && since.isValid() && since.msecsTo(now) > limit;
}

// For logs and audit details: "machine running", "timed out", …
const char *toText(Event event);

} // namespace Portal::Engine::InstanceLifeCycle
