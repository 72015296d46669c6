#include "avrharness.h"

#include <avr_adc.h>
#include <avr_eeprom.h>
#include <avr_ioport.h>
#include <avr_uart.h>
#include <sim_avr.h>
#include <sim_elf.h>
#include <sim_irq.h>

#include <cerrno>
#include <csignal>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

namespace Portal::AvrHarness {

namespace {

volatile std::sig_atomic_t g_stopRequested = 0;

void requestStop(int)
{
    g_stopRequested = 1;
}

// simavr's messages go to stderr: stdout carries the harness's own event lines. Only warnings
// and errors (the default logger prints "Loaded … .text" and the like at level OUTPUT).
void logToStderr(avr_t *, const int level, const char *format, va_list arguments)
{
    if (level >= LOG_ERROR && level <= LOG_WARNING) {
        std::fputs("simavr: ", stderr);
        std::vfprintf(stderr, format, arguments);
    }
}

// The slices never wait on the core: sleeping is paced by run() instead of simavr's usleep().
void sleepNowhere(avr_t *, avr_cycle_count_t) {}

Error harnessError(const std::string &code, const std::string &message)
{
    return makeError("harness." + code, message);
}

bool writeFileAtomically(const std::string &path, const std::vector<uint8_t> &bytes)
{
    const std::string temporary = path + ".tmp";
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return false;
    size_t written = 0;
    while (written < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n <= 0) {
            ::close(fd);
            return false;
        }
        written += size_t(n);
    }
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    return synced && std::rename(temporary.c_str(), path.c_str()) == 0;
}

// Frees what elf_read_firmware allocated (libsimavr 1.6 has no function for it): the
// sections and the symbol table.
void releaseFirmware(elf_firmware_t *firmware)
{
    if (!firmware)
        return;
    std::free(firmware->flash);
    std::free(firmware->eeprom);
    std::free(firmware->fuse);
    std::free(firmware->lockbits);
    for (uint32_t i = 0; i < firmware->symbolcount; ++i)
        std::free(firmware->symbol[i]);
    std::free(firmware->symbol);
    std::free(firmware);
}

} // namespace

AvrHarness::AvrHarness(HarnessOptions options) : m_options(std::move(options)) {}

AvrHarness::~AvrHarness()
{
    if (m_avr)
        avr_terminate(m_avr);
    releaseFirmware(m_firmware);
    if (m_ptySlave >= 0)
        ::close(m_ptySlave);
    if (m_ptyMaster >= 0)
        ::close(m_ptyMaster);
}

Result<void> AvrHarness::start()
{
    avr_global_logger_set(logToStderr);
    m_firmware = static_cast<elf_firmware_t *>(std::calloc(1, sizeof(elf_firmware_t)));
    if (!m_firmware)
        return harnessError("firmware", "out of memory");
    elf_firmware_t &firmware = *m_firmware;
    if (elf_read_firmware(m_options.firmwarePath.c_str(), &firmware) != 0)
        return harnessError("firmware", "cannot read the ELF image " + m_options.firmwarePath);
    std::snprintf(firmware.mmcu, sizeof firmware.mmcu, "%s", m_options.mcu.c_str());
    firmware.frequency = m_options.frequencyHz;
    m_avr = avr_make_mcu_by_name(firmware.mmcu);
    if (!m_avr)
        return harnessError("mcu", "simavr has no core named " + m_options.mcu);
    avr_init(m_avr);
    avr_load_firmware(m_avr, &firmware);
    m_avr->frequency = m_options.frequencyHz;
    m_avr->vcc = m_avr->avcc = m_avr->aref = 5000;
    m_avr->sleep = sleepNowhere;

    // EEPROM: the file's bytes (a missing file is an erased chip), then the factory id.
    std::vector<uint8_t> eeprom = readEeprom();
    if (eeprom.empty())
        return harnessError("eeprom", "the core has no EEPROM");
    std::vector<uint8_t> initial(eeprom.size(), 0xFF);
    if (!m_options.eepromPath.empty()) {
        std::ifstream file(m_options.eepromPath, std::ios::binary);
        if (file) {
            std::vector<uint8_t> stored((std::istreambuf_iterator<char>(file)),
                                        std::istreambuf_iterator<char>());
            if (stored.size() != initial.size())
                return harnessError(
                    "eeprom", m_options.eepromPath + " holds " + std::to_string(stored.size()) +
                                  " bytes; the EEPROM has " + std::to_string(initial.size()));
            initial = std::move(stored);
        }
    }
    if (m_options.deviceId && initial.size() >= 8) {
        const size_t idAddress = initial.size() - 8;
        bool blank = true;
        for (size_t i = idAddress; i < initial.size(); ++i)
            blank = blank && initial[i] == 0xFF;
        if (blank)
            std::memcpy(initial.data() + idAddress, m_options.deviceId->data(), 8);
    }
    writeEeprom(initial);
    m_savedEeprom = initial;
    if (!m_options.eepromPath.empty() && !writeFileAtomically(m_options.eepromPath, initial))
        return harnessError("eeprom", "cannot write " + m_options.eepromPath);

    // USART0: no console echo; input, output and flow control through our hooks.
    uint32_t flags = 0;
    avr_ioctl(m_avr, AVR_IOCTL_UART_GET_FLAGS('0'), &flags);
    flags &= ~uint32_t(AVR_UART_FLAG_STDIO);
    avr_ioctl(m_avr, AVR_IOCTL_UART_SET_FLAGS('0'), &flags);
    m_uartInput = avr_io_getirq(m_avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_INPUT);
    avr_irq_register_notify(avr_io_getirq(m_avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUTPUT),
                            onUartOutput, this);
    avr_irq_register_notify(avr_io_getirq(m_avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUT_XON),
                            onUartXon, this);
    avr_irq_register_notify(avr_io_getirq(m_avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUT_XOFF),
                            onUartXoff, this);
    avr_irq_register_notify(avr_io_getirq(m_avr, AVR_IOCTL_IOPORT_GETIRQ('B'), IOPORT_IRQ_PIN7),
                            onLed, this);
    m_adc0 = avr_io_getirq(m_avr, AVR_IOCTL_ADC_GETIRQ, ADC_IRQ_ADC0);
    avr_raise_irq(m_adc0, m_options.adc0Millivolts);

    if (!m_options.uartToStdout) {
        Result<void> pty = openPty();
        if (!pty)
            return pty;
    }
    ::fcntl(STDIN_FILENO, F_SETFL, ::fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK);
    std::signal(SIGTERM, requestStop);
    std::signal(SIGINT, requestStop);
    std::signal(SIGPIPE, SIG_IGN);
    return {};
}

Result<void> AvrHarness::openPty()
{
    m_ptyMaster = ::posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (m_ptyMaster < 0 || ::grantpt(m_ptyMaster) != 0 || ::unlockpt(m_ptyMaster) != 0)
        return harnessError("pty", std::string("cannot create a pty: ") + std::strerror(errno));
    const char *slaveName = ::ptsname(m_ptyMaster);
    if (!slaveName)
        return harnessError("pty", "ptsname failed");
    const std::string slavePath = slaveName;
    m_ptySlave = ::open(slavePath.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (m_ptySlave < 0)
        return harnessError("pty", "cannot open " + slavePath);
    termios raw{};
    if (::tcgetattr(m_ptySlave, &raw) == 0) {
        ::cfmakeraw(&raw);
        ::cfsetspeed(&raw, B115200);
        ::tcsetattr(m_ptySlave, TCSANOW, &raw);
    }
    if (!m_options.ptyFile.empty()) {
        const std::string temporary = m_options.ptyFile + ".tmp";
        std::ofstream(temporary) << slavePath << "\n";
        if (std::rename(temporary.c_str(), m_options.ptyFile.c_str()) != 0)
            return harnessError("pty", "cannot write " + m_options.ptyFile);
    }
    if (!m_options.ptyLink.empty()) {
        const std::string temporary = m_options.ptyLink + ".tmp";
        std::remove(temporary.c_str());
        if (::symlink(slavePath.c_str(), temporary.c_str()) != 0 ||
            std::rename(temporary.c_str(), m_options.ptyLink.c_str()) != 0)
            return harnessError("pty", "cannot link " + m_options.ptyLink + " to " + slavePath);
    }
    std::printf("uart0 %s\n", slavePath.c_str());
    std::fflush(stdout);
    return {};
}

void AvrHarness::onUartOutput(avr_irq_t *, uint32_t value, void *param)
{
    static_cast<AvrHarness *>(param)->m_fromUart.push_back(uint8_t(value));
}

void AvrHarness::onUartXon(avr_irq_t *, uint32_t, void *param)
{
    AvrHarness *self = static_cast<AvrHarness *>(param);
    self->m_uartXon = true;
    self->feedUart();
}

void AvrHarness::onUartXoff(avr_irq_t *, uint32_t, void *param)
{
    static_cast<AvrHarness *>(param)->m_uartXon = false;
}

void AvrHarness::onLed(avr_irq_t *, uint32_t value, void *param)
{
    AvrHarness *self = static_cast<AvrHarness *>(param);
    std::printf("led %u cycle=%llu\n", value ? 1u : 0u,
                static_cast<unsigned long long>(self->m_avr->cycle));
    std::fflush(stdout);
}

bool AvrHarness::uartReceiverEnabled() const
{
    for (avr_io_t *io = m_avr->io_port; io; io = io->next) {
        if (std::strcmp(io->kind, "uart") == 0) {
            avr_uart_t *uart = reinterpret_cast<avr_uart_t *>(io);
            if (uart->name == '0')
                return avr_regbit_get(m_avr, uart->rxen) != 0;
        }
    }
    return false;
}

void AvrHarness::feedUart()
{
    // simavr drops bytes that arrive before the firmware enabled the receiver (a real board
    // would too); they are held until then, so that a test may talk as soon as the pty exists.
    if (!uartReceiverEnabled())
        return;
    // XOFF arrives from inside avr_raise_irq when the FIFO fills, which ends this loop.
    while (m_uartXon && !m_toUart.empty()) {
        const uint8_t byte = m_toUart.front();
        m_toUart.pop_front();
        avr_raise_irq(m_uartInput, byte);
    }
}

void AvrHarness::flushUartOutput()
{
    if (m_fromUart.empty())
        return;
    if (m_options.uartToStdout) {
        std::fwrite(m_fromUart.data(), 1, m_fromUart.size(), stdout);
        std::fflush(stdout);
    } else {
        // Nobody reading and the pty buffer full: the bytes are lost, as on a real line.
        const ssize_t n = ::write(m_ptyMaster, m_fromUart.data(), m_fromUart.size());
        if (n < ssize_t(m_fromUart.size()))
            m_droppedOutputBytes += m_fromUart.size() - size_t(n < 0 ? 0 : n);
    }
    m_fromUart.clear();
}

void AvrHarness::pumpIo(int waitMs)
{
    flushUartOutput();
    pollfd fds[2];
    nfds_t count = 0;
    if (m_ptyMaster >= 0 && m_toUart.size() < 4096)
        fds[count++] = {m_ptyMaster, POLLIN, 0};
    if (m_stdinOpen)
        fds[count++] = {STDIN_FILENO, POLLIN, 0};
    if (::poll(fds, count, waitMs) <= 0)
        return;
    for (nfds_t i = 0; i < count; ++i) {
        if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0)
            continue;
        uint8_t buffer[512];
        const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
        if (fds[i].fd == STDIN_FILENO) {
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
                m_stdinOpen = false;
                continue;
            }
            for (ssize_t j = 0; j < n; ++j) {
                if (buffer[j] == '\n') {
                    handleStdinLine(m_stdinLine);
                    m_stdinLine.clear();
                } else if (m_stdinLine.size() < 256) {
                    m_stdinLine.push_back(char(buffer[j]));
                }
            }
        } else if (n > 0) {
            m_toUart.insert(m_toUart.end(), buffer, buffer + n);
        }
    }
    feedUart();
}

void AvrHarness::handleStdinLine(const std::string &line)
{
    unsigned millivolts = 0;
    char trailing = 0;
    if (std::sscanf(line.c_str(), "adc0 %u %c", &millivolts, &trailing) == 1 &&
        millivolts <= 5000) {
        avr_raise_irq(m_adc0, millivolts);
        std::printf("adc0 %u\n", millivolts);
    } else {
        std::printf("error unknown command (expected: adc0 <0..5000>)\n");
    }
    std::fflush(stdout);
}

// simavr 1.6's AVR_IOCTL_EEPROM_GET/SET answer -1 (the ioctl never reaches the module), so the
// module's bytes are used directly.
static avr_eeprom_t *eepromModule(avr_t *avr)
{
    for (avr_io_t *io = avr->io_port; io; io = io->next) {
        if (std::strcmp(io->kind, "eeprom") == 0)
            return reinterpret_cast<avr_eeprom_t *>(io);
    }
    return nullptr;
}

std::vector<uint8_t> AvrHarness::readEeprom()
{
    const avr_eeprom_t *eeprom = eepromModule(m_avr);
    if (!eeprom)
        return {};
    return std::vector<uint8_t>(eeprom->eeprom, eeprom->eeprom + eeprom->size);
}

void AvrHarness::writeEeprom(const std::vector<uint8_t> &bytes)
{
    avr_eeprom_t *eeprom = eepromModule(m_avr);
    if (eeprom && bytes.size() == eeprom->size)
        std::memcpy(eeprom->eeprom, bytes.data(), bytes.size());
}

void AvrHarness::saveEepromIfChanged()
{
    // Runs once per simulated millisecond: compares in place, copies only on a change.
    const avr_eeprom_t *eeprom = eepromModule(m_avr);
    if (m_options.eepromPath.empty() || !eeprom || eeprom->size != m_savedEeprom.size() ||
        std::memcmp(eeprom->eeprom, m_savedEeprom.data(), m_savedEeprom.size()) == 0)
        return;
    std::vector<uint8_t> now(eeprom->eeprom, eeprom->eeprom + eeprom->size);
    if (writeFileAtomically(m_options.eepromPath, now))
        m_savedEeprom = std::move(now);
}

void AvrHarness::finish(const char *reason)
{
    flushUartOutput();
    if (!m_options.ptyLink.empty())
        std::remove(m_options.ptyLink.c_str());
    saveEepromIfChanged();
    std::printf("exit %s cycles=%llu dropped_uart_bytes=%llu\n", reason,
                static_cast<unsigned long long>(m_avr->cycle),
                static_cast<unsigned long long>(m_droppedOutputBytes));
    std::fflush(stdout);
}

int AvrHarness::run()
{
    using Clock = std::chrono::steady_clock;
    m_startTime = Clock::now();
    const avr_cycle_count_t sliceCycles = m_options.frequencyHz / 1000;
    const double maxCycles = m_options.maxSeconds * m_options.frequencyHz;
    for (;;) {
        if (g_stopRequested) {
            finish("stopped");
            return ExitOk;
        }
        const avr_cycle_count_t sliceEnd = m_avr->cycle + sliceCycles;
        while (m_avr->cycle < sliceEnd) {
            const int state = avr_run(m_avr);
            if (state == cpu_Done) {
                finish("done");
                return ExitOk;
            }
            if (state == cpu_Crashed) {
                finish("crashed");
                return ExitCrashed;
            }
        }
        saveEepromIfChanged();
        if (maxCycles > 0 && double(m_avr->cycle) >= maxCycles) {
            finish("max-seconds");
            return ExitOk;
        }
        // Pacing: simulated seconds may not run ahead of wall seconds × speed.
        const double simulatedS = double(m_avr->cycle) / m_options.frequencyHz;
        const double wallS =
            std::chrono::duration<double>(Clock::now() - m_startTime).count() * m_options.speed;
        const double aheadMs = (simulatedS - wallS) * 1000.0 / m_options.speed;
        pumpIo(aheadMs >= 1.0 ? int(aheadMs) : 0);
    }
}

} // namespace Portal::AvrHarness
