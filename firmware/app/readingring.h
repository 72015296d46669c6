#pragma once
// The unacknowledged READINGs (DESIGN §4.1): a small RAM ring, oldest first. When it is full
// the oldest reading gives way to the new one (a device offline longer than the ring holds
// loses its oldest readings; the gateway sees a counter gap).

#include <portal-core/protocol/cose.h>

#include <stddef.h>
#include <stdint.h>

namespace Portal {
namespace SensorNode {

struct PendingReading
{
    uint32_t counter;
    uint32_t lastSentMs;
    bool sent; // sent at least once (only the oldest is ever sent)
    uint8_t size;
    uint8_t sign1[Protocol::kMaxSign1Bytes]; // COSE_Sign1_Tagged, sent unchanged on every resend
};

class ReadingRing
{
public:
    // 8 × 142 bytes: on the ATmega2560 (a reading every ~1.8 s, its signing time) it bridges
    // ~14 s without an ACK, a gateway restarting behind a serial line.
    enum : uint8_t { Capacity = 8 };

    ReadingRing() : m_count(0) {}

    uint8_t count() const { return m_count; }
    bool isFull() const { return m_count == Capacity; }
    // 0 is the oldest; `index` < count().
    PendingReading &at(uint8_t index) { return m_entries[index]; }
    const PendingReading &at(uint8_t index) const { return m_entries[index]; }

    // Appends a slot for the newest reading and returns it; when full, the oldest is dropped
    // first and `droppedOldest` is set.
    PendingReading &append(bool &droppedOldest);
    // Removes the reading with this counter; false when none is pending (already acknowledged,
    // dropped, or never sent).
    bool remove(uint32_t counter);

private:
    void removeAt(uint8_t index);

    PendingReading m_entries[Capacity];
    uint8_t m_count;
};

} // namespace SensorNode
} // namespace Portal
