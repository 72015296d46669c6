# Cross toolchain for the Arduino Mega 2560 (ATmega2560, 16 MHz) with Debian's gcc-avr 5.4.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR avr)
set(PORTAL_AVR_MCU atmega2560 CACHE STRING "AVR part")
set(PORTAL_AVR_F_CPU 16000000UL CACHE STRING "CPU clock in Hz")

find_program(CMAKE_C_COMPILER avr-gcc REQUIRED)
find_program(CMAKE_CXX_COMPILER avr-g++ REQUIRED)
find_program(CMAKE_OBJCOPY avr-objcopy REQUIRED)
find_program(PORTAL_AVR_SIZE avr-size REQUIRED)

set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_C_FLAGS_INIT "-mmcu=${PORTAL_AVR_MCU} -DF_CPU=${PORTAL_AVR_F_CPU}")
set(CMAKE_ASM_FLAGS_INIT "-mmcu=${PORTAL_AVR_MCU}")
set(CMAKE_CXX_FLAGS_INIT
    "-mmcu=${PORTAL_AVR_MCU} -DF_CPU=${PORTAL_AVR_F_CPU} -fno-exceptions -fno-rtti -fno-threadsafe-statics -ffunction-sections -fdata-sections")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-mmcu=${PORTAL_AVR_MCU} -Wl,--gc-sections")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
