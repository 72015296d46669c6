#include "avrboard.h"

#include <firmware/crypto/sha256.h>
#include <portal-core/protocol/crc16.h>

#include <avr/eeprom.h>
#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/wdt.h>
#include <string.h>

namespace Portal {
namespace SensorNodeAvr {

namespace {

// Ring indices are 8-bit, so a 256-byte ring wraps by itself.
struct ByteRing
{
    uint8_t bytes[256];
    volatile uint8_t head; // written by the producer
    volatile uint8_t tail; // written by the consumer
};

ByteRing g_rx;
ByteRing g_tx;
volatile uint16_t g_rxOverruns;
volatile uint32_t g_milliseconds;
volatile uint32_t g_lastCheckInMs;
volatile bool g_watchdogArmed;

// Arrival-time jitter, folded in by the receive interrupt.
uint8_t g_jitterPool[32];
volatile uint8_t g_jitterIndex;

class InterruptsOff
{
public:
    InterruptsOff() : m_sreg(SREG) { cli(); }
    ~InterruptsOff() { SREG = m_sreg; }

private:
    uint8_t m_sreg;
};

// UBRR for 115200 baud with U2X at 16 MHz: 16e6 / (8 × 115200) − 1 ≈ 16.4 → 16.
constexpr uint16_t kUbrr = 16;

void startUsart0()
{
    UBRR0H = uint8_t(kUbrr >> 8);
    UBRR0L = uint8_t(kUbrr);
    UCSR0A = _BV(U2X0);
    UCSR0C = _BV(UCSZ01) | _BV(UCSZ00);
    UCSR0B = _BV(RXEN0) | _BV(TXEN0) | _BV(RXCIE0);
}

void startTimer1()
{
    TCCR1A = 0;
    TCCR1B = _BV(WGM12); // CTC on OCR1A, stopped until the compare value is set
    TCNT1 = 0;
    OCR1A = uint16_t(kCyclesPerMs - 1);
    TIFR1 = _BV(OCF1A);
    TIMSK1 = _BV(OCIE1A);
    TCCR1B = _BV(WGM12) | _BV(CS10); // clock / 1
}

constexpr uint8_t kLedBit = 7; // PB7

// AVcc reference, clock / 128 (125 kHz at 16 MHz, within the 50–200 kHz the datasheet asks).
constexpr uint8_t kAdcEnable = _BV(ADEN) | _BV(ADPS2) | _BV(ADPS1) | _BV(ADPS0);
// A conversion takes 13–25 ADC clocks (≤ 3200 CPU cycles); this bound is far above it.
constexpr uint16_t kAdcPollLimit = 2000;

// -1 when no conversion completed (no ADC, as in qemu).
int16_t readAdc(uint8_t channel)
{
    ADMUX = _BV(REFS0) | (channel & 0x07);
    ADCSRB = channel & 0x08 ? _BV(MUX5) : 0;
    ADCSRA = kAdcEnable;
    if ((ADCSRA & _BV(ADEN)) == 0)
        return -1;
    ADCSRA = kAdcEnable | _BV(ADSC);
    for (uint16_t polls = 0; polls < kAdcPollLimit; ++polls) {
        if ((ADCSRA & _BV(ADSC)) == 0)
            return int16_t(ADC);
    }
    return -1;
}

// EEPROM layout (ATmega2560: 4 KiB).
constexpr uint16_t kSlotAddress[2] = {0x000, 0x400};
constexpr uint16_t kFactoryIdAddress = 0xFF8;
// 2: the record ends with the device-authority key. A slot of layout 1 (the first record,
// kFirstLayoutRecordBytes) is read as this record without an authority key, so flashing the
// new image with `avrdude -D` keeps the device's identity, key and counters.
constexpr uint8_t kLayoutVersion = 2;
constexpr uint8_t kFirstLayoutVersion = 1;

struct SlotHeader
{
    uint8_t magic[2];
    uint8_t layoutVersion;
    uint8_t reserved;
    uint32_t sequence;
    uint16_t recordBytes;
};

// The first layout's record as the first firmware wrote it (tst_provisioningwizard builds one).
static_assert(SensorNode::kFirstLayoutRecordBytes == 193, "first-layout record size changed");
static_assert(sizeof(SlotHeader) + sizeof(SensorNode::DeviceRecord) + 2 <= 0x400,
              "a record slot holds 1 KiB");

uint16_t slotCrc(const SlotHeader &header, const SensorNode::DeviceRecord &record,
                 uint16_t recordBytes)
{
    uint16_t crc = Protocol::crc16CcittFalseUpdate(
        Protocol::kCrc16Initial, reinterpret_cast<const uint8_t *>(&header), sizeof header);
    return Protocol::crc16CcittFalseUpdate(crc, reinterpret_cast<const uint8_t *>(&record),
                                           recordBytes);
}

bool readSlot(uint8_t slot, SlotHeader &header, SensorNode::DeviceRecord &record)
{
    const uint16_t address = kSlotAddress[slot];
    eeprom_read_block(&header, reinterpret_cast<const void *>(address), sizeof header);
    const bool current =
        header.layoutVersion == kLayoutVersion && header.recordBytes == sizeof record;
    const bool firstLayout = header.layoutVersion == kFirstLayoutVersion &&
                             header.recordBytes == SensorNode::kFirstLayoutRecordBytes;
    if (header.magic[0] != 'P' || header.magic[1] != 'N' || !(current || firstLayout))
        return false;
    memset(&record, 0, sizeof record);
    const uint16_t recordBytes = header.recordBytes;
    eeprom_read_block(&record, reinterpret_cast<const void *>(address + sizeof header),
                      recordBytes);
    const uint16_t stored =
        eeprom_read_word(reinterpret_cast<const uint16_t *>(address + sizeof header + recordBytes));
    return stored == slotCrc(header, record, recordBytes);
}

} // namespace

ISR(USART0_RX_vect)
{
    const uint8_t status = UCSR0A;
    const uint8_t byte = UDR0;
    const uint8_t index = g_jitterIndex;
    g_jitterPool[index & 31] = uint8_t((g_jitterPool[index & 31] << 1) ^ TCNT1L ^ byte);
    g_jitterIndex = uint8_t(index + 1);
    if (status & (_BV(FE0) | _BV(DOR0))) {
        ++g_rxOverruns;
        return;
    }
    const uint8_t next = uint8_t(g_rx.head + 1);
    if (next == g_rx.tail) {
        ++g_rxOverruns;
        return;
    }
    g_rx.bytes[g_rx.head] = byte;
    g_rx.head = next;
}

ISR(USART0_UDRE_vect)
{
    if (g_tx.tail == g_tx.head) {
        UCSR0B &= uint8_t(~_BV(UDRIE0));
        return;
    }
    UDR0 = g_tx.bytes[g_tx.tail];
    g_tx.tail = uint8_t(g_tx.tail + 1);
}

ISR(TIMER1_COMPA_vect)
{
    const uint32_t now = g_milliseconds + 1;
    g_milliseconds = now;
    if (g_watchdogArmed && now - g_lastCheckInMs < kMaxBusyMs)
        wdt_reset();
}

void startBoard()
{
    DDRB |= _BV(kLedBit);
    PORTB &= uint8_t(~_BV(kLedBit));
    startUsart0();
    startTimer1();
    sei();
}

bool sleepWakesUp()
{
    return readAdc(0) >= 0;
}

void startWatchdog()
{
    checkIn();
    wdt_enable(WDTO_8S);
    g_watchdogArmed = true;
}

void checkIn()
{
    InterruptsOff guard;
    g_lastCheckInMs = g_milliseconds;
}

size_t Usart0Link::read(uint8_t *buffer, size_t capacity)
{
    size_t count = 0;
    while (count < capacity && g_rx.tail != g_rx.head) {
        buffer[count++] = g_rx.bytes[g_rx.tail];
        g_rx.tail = uint8_t(g_rx.tail + 1);
    }
    return count;
}

bool Usart0Link::write(const uint8_t *data, size_t size)
{
    Timer1Clock clock;
    const uint32_t startMs = clock.nowMs();
    for (size_t i = 0; i < size; ++i) {
        const uint8_t next = uint8_t(g_tx.head + 1);
        while (next == g_tx.tail) {
            if (clock.nowMs() - startMs > kWriteTimeoutMs)
                return false;
        }
        g_tx.bytes[g_tx.head] = data[i];
        g_tx.head = next;
        UCSR0A = _BV(U2X0) | _BV(TXC0); // writing TXC0 clears it: isDrained() waits anew
        UCSR0B |= _BV(UDRIE0);
    }
    return true;
}

bool Usart0Link::hasInput() const
{
    return g_rx.tail != g_rx.head;
}

bool Usart0Link::isDrained() const
{
    return g_tx.tail == g_tx.head && (UCSR0A & _BV(TXC0)) != 0;
}

uint16_t Usart0Link::receiveOverruns() const
{
    InterruptsOff guard;
    return g_rxOverruns;
}

uint32_t Timer1Clock::nowMs()
{
    InterruptsOff guard;
    return g_milliseconds;
}

uint32_t cycleCount()
{
    InterruptsOff guard;
    uint32_t milliseconds = g_milliseconds;
    uint16_t ticks = TCNT1;
    // A compare match may be pending (interrupts are off): TCNT1 then already restarted.
    if ((TIFR1 & _BV(OCF1A)) != 0 && ticks < kCyclesPerMs / 2)
        ++milliseconds;
    return milliseconds * kCyclesPerMs + ticks;
}

bool JitterEntropy::fill(uint8_t *output, size_t size)
{
    static uint32_t calls;
    size_t written = 0;
    while (written < size) {
        FirmwareCrypto::Sha256 hash;
        uint8_t pool[sizeof g_jitterPool];
        {
            InterruptsOff guard;
            memcpy(pool, g_jitterPool, sizeof pool);
        }
        hash.update(pool, sizeof pool);
        for (uint8_t i = 0; i < 64; ++i) {
            const int16_t noise = readAdc(1);
            const uint16_t ticks = TCNT1;
            const uint8_t sample[3] = {uint8_t(noise), uint8_t(ticks), uint8_t(ticks >> 8)};
            hash.update(sample, sizeof sample);
        }
        ++calls;
        const uint32_t cycles = cycleCount();
        hash.update(reinterpret_cast<const uint8_t *>(&calls), sizeof calls);
        hash.update(reinterpret_cast<const uint8_t *>(&cycles), sizeof cycles);
        uint8_t digest[FirmwareCrypto::Sha256::DigestBytes];
        hash.finish(digest);
        const size_t take = size - written < sizeof digest ? size - written : sizeof digest;
        memcpy(output + written, digest, take);
        written += take;
        memset(digest, 0, sizeof digest);
    }
    return true;
}

bool AdcThermometer::sample(uint8_t index, SensorNode::SensorSample &sample)
{
    if (index != 0)
        return false;
    sample.scaleExponent = -2;
    sample.unit = "Cel";
    const int16_t raw = readAdc(0);
    m_simulated = raw < 0;
    if (m_simulated) {
        const uint16_t phase = m_simulatedSamples++ % 20;
        const int32_t wave = phase < 10 ? int32_t(phase) * 10 : int32_t(20 - phase) * 10;
        sample.value = 2150 - 50 + wave;
        return true;
    }
    // millivolts = raw × 5000 / 1024; centi-°C = (millivolts − 500) × 10.
    sample.value = int32_t(raw) * 50000L / 1024 - 5000;
    return true;
}

Protocol::CommandStatus LedActuator::apply(uint8_t index, int32_t value, int32_t &valueNow)
{
    const bool on = (PORTB & _BV(kLedBit)) != 0;
    valueNow = on ? 1 : 0;
    if (index != 0)
        return Protocol::CommandStatus::Rejected;
    if (value != 0 && value != 1)
        return Protocol::CommandStatus::ValueOutOfRange;
    if (value == 1)
        PORTB |= _BV(kLedBit);
    else
        PORTB &= uint8_t(~_BV(kLedBit));
    valueNow = (PORTB & _BV(kLedBit)) != 0 ? 1 : 0;
    return valueNow == value ? Protocol::CommandStatus::Done : Protocol::CommandStatus::Failed;
}

bool AvrEepromStore::load(SensorNode::DeviceRecord &record)
{
    SlotHeader header;
    bool found = false;
    for (uint8_t slot = 0; slot < 2; ++slot) {
        SensorNode::DeviceRecord candidate;
        if (!readSlot(slot, header, candidate))
            continue;
        if (found && header.sequence <= m_sequence)
            continue;
        memcpy(&record, &candidate, sizeof record);
        m_sequence = header.sequence;
        m_newestSlot = slot;
        found = true;
        memset(&candidate, 0, sizeof candidate);
    }
    return found;
}

bool AvrEepromStore::save(const SensorNode::DeviceRecord &record)
{
    const uint8_t slot = m_newestSlot == 0 ? 1 : 0;
    SlotHeader header;
    header.magic[0] = 'P';
    header.magic[1] = 'N';
    header.layoutVersion = kLayoutVersion;
    header.reserved = 0;
    header.sequence = m_sequence + 1;
    header.recordBytes = sizeof record;
    const uint16_t address = kSlotAddress[slot];
    // The CRC goes last: until it is written the slot is invalid and the other one counts.
    eeprom_update_word(reinterpret_cast<uint16_t *>(address + sizeof header + sizeof record),
                       uint16_t(~slotCrc(header, record, sizeof record)));
    eeprom_update_block(&header, reinterpret_cast<void *>(address), sizeof header);
    eeprom_update_block(&record, reinterpret_cast<void *>(address + sizeof header), sizeof record);
    eeprom_update_word(reinterpret_cast<uint16_t *>(address + sizeof header + sizeof record),
                       slotCrc(header, record, sizeof record));
    SlotHeader readBack;
    SensorNode::DeviceRecord check;
    const bool durable = readSlot(slot, readBack, check) && readBack.sequence == header.sequence &&
                         memcmp(&check, &record, sizeof record) == 0;
    memset(&check, 0, sizeof check);
    if (!durable)
        return false;
    m_sequence = header.sequence;
    m_newestSlot = slot;
    return true;
}

bool factoryDeviceId(SensorNode::EntropySource &entropy, uint8_t deviceId[8])
{
    eeprom_read_block(deviceId, reinterpret_cast<const void *>(kFactoryIdAddress), 8);
    uint8_t ones = 0xFF;
    uint8_t zeros = 0;
    for (uint8_t i = 0; i < 8; ++i) {
        ones &= deviceId[i];
        zeros |= deviceId[i];
    }
    if (ones != 0xFF && zeros != 0)
        return true;
    if (!entropy.fill(deviceId, 8))
        return false;
    eeprom_update_block(deviceId, reinterpret_cast<void *>(kFactoryIdAddress), 8);
    return true;
}

} // namespace SensorNodeAvr
} // namespace Portal
