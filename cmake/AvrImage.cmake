# The AVR images, cross-built from the host build (so that tests can run them in simavr and
# qemu): a nested build with the avr-atmega2560 toolchain in <build>/avr-image, re-run on every
# build (ninja there decides what is stale). Defines target `sensor_node_avr_images` and
# PORTAL_SENSOR_NODE_ELF / PORTAL_SIGNBENCH_ELF.
include(ExternalProject)
set(avr_image_dir ${CMAKE_BINARY_DIR}/avr-image)
set(PORTAL_SENSOR_NODE_ELF ${avr_image_dir}/firmware/avr/sensor-node.elf
    CACHE INTERNAL "the sensor-node AVR image")
set(PORTAL_SIGNBENCH_ELF ${avr_image_dir}/firmware/avr/sensor-node-signbench.elf
    CACHE INTERNAL "the signing benchmark AVR image")
ExternalProject_Add(sensor_node_avr_images
  SOURCE_DIR ${PROJECT_SOURCE_DIR}
  BINARY_DIR ${avr_image_dir}
  CMAKE_GENERATOR Ninja
  CMAKE_ARGS
    -DCMAKE_TOOLCHAIN_FILE=${PROJECT_SOURCE_DIR}/cmake/avr-atmega2560.cmake
    -DCMAKE_BUILD_TYPE=MinSizeRel
    -DPORTAL_WERROR=${PORTAL_WERROR}
  BUILD_ALWAYS ON
  INSTALL_COMMAND ""
  BUILD_BYPRODUCTS ${PORTAL_SENSOR_NODE_ELF} ${PORTAL_SIGNBENCH_ELF}
  USES_TERMINAL_BUILD ON)
