#include "readingring.h"

#include <string.h>

namespace Portal {
namespace SensorNode {

PendingReading &ReadingRing::append(bool &droppedOldest)
{
    droppedOldest = isFull();
    if (droppedOldest)
        removeAt(0);
    PendingReading &slot = m_entries[m_count++];
    memset(&slot, 0, sizeof slot);
    return slot;
}

bool ReadingRing::remove(uint32_t counter)
{
    for (uint8_t i = 0; i < m_count; ++i) {
        if (m_entries[i].counter == counter) {
            removeAt(i);
            return true;
        }
    }
    return false;
}

void ReadingRing::removeAt(uint8_t index)
{
    // At most Capacity - 1 entries move; order (oldest first) is kept.
    for (uint8_t i = index; i + 1 < m_count; ++i)
        m_entries[i] = m_entries[i + 1];
    --m_count;
}

} // namespace SensorNode
} // namespace Portal
