// sensor-node for the Arduino Mega 2560: the shared application (firmware/app) on the board
// support of avrboard.h, polled in a loop that sleeps until the next interrupt.
#include "avrboard.h"

#include <firmware/app/sensornodeapp.h>

#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/sleep.h>
#include <avr/wdt.h>

using namespace Portal;

// The vtables of board.h's interfaces name it; it is never called (no object is abstract).
extern "C" void __cxa_pure_virtual()
{
    for (;;) {
    }
}

namespace {

SensorNodeAvr::Usart0Link g_link;
SensorNodeAvr::Timer1Clock g_clock;
SensorNodeAvr::AvrEepromStore g_store;
SensorNodeAvr::JitterEntropy g_entropy;
SensorNodeAvr::AdcThermometer g_thermometer;
SensorNodeAvr::LedActuator g_led;
SensorNode::SensorNodeApp g_app(g_link, g_clock, g_store, g_entropy, g_thermometer, g_led,
                                SensorNode::defaultSettings(PORTAL_VERSION, "mega2560"));

} // namespace

int main()
{
    // After a watchdog reset the watchdog stays on with its shortest timeout; it must be
    // cleared before anything slow runs (ATmega2560 datasheet §12.5).
    MCUSR = 0;
    wdt_disable();
    SensorNodeAvr::startBoard();

    uint8_t deviceId[Protocol::kDeviceIdBytes];
    if (!SensorNodeAvr::factoryDeviceId(g_entropy, deviceId)) {
        for (uint8_t i = 0; i < sizeof deviceId; ++i)
            deviceId[i] = 0;
    }
    g_app.begin(deviceId);

    SensorNodeAvr::startWatchdog();
    const bool maySleep = SensorNodeAvr::sleepWakesUp();
    set_sleep_mode(SLEEP_MODE_IDLE);
    for (;;) {
        SensorNodeAvr::checkIn();
        g_app.poll();
        // Sleep until the next interrupt (the 1 ms tick at the latest), unless a byte came in
        // while polling; interrupts are re-enabled by the instruction before SLEEP, so a
        // byte arriving between the check and the sleep still wakes it.
        cli();
        if (maySleep && !g_link.hasInput()) {
            sleep_enable();
            sei();
            sleep_cpu();
            sleep_disable();
        }
        sei();
    }
}
