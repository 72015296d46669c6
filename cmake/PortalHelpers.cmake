# The one place that knows the project's target boilerplate: warnings, visibility, the
# Portal::<Module> alias, the include root, and test/fuzz registration with labels.
include_guard(GLOBAL)

option(PORTAL_WERROR "Treat compiler warnings as errors (CI sets this)" OFF)

function(portal_set_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE
      $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wshadow -Wnon-virtual-dtor>)
    if(PORTAL_WERROR)
      target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-Werror>)
    endif()
  endif()
endfunction()

# portal_add_library(<Module> [INTERFACE] SOURCES … [PUBLIC_DEPENDS …] [PRIVATE_DEPENDS …])
# Creates target portal_<module> with alias Portal::<Module>; headers are included as
# <portal-core/<module>/x.h> (or <firmware/…>) from the project root.
function(portal_add_library name)
  cmake_parse_arguments(arg "INTERFACE" "" "SOURCES;PUBLIC_DEPENDS;PRIVATE_DEPENDS" ${ARGN})
  string(TOLOWER "${name}" lower)
  set(target portal_${lower})
  if(arg_INTERFACE)
    add_library(${target} INTERFACE)
    target_include_directories(${target} INTERFACE ${PROJECT_SOURCE_DIR})
    target_link_libraries(${target} INTERFACE ${arg_PUBLIC_DEPENDS})
  else()
    add_library(${target} STATIC ${arg_SOURCES})
    target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR})
    target_link_libraries(${target} PUBLIC ${arg_PUBLIC_DEPENDS} PRIVATE ${arg_PRIVATE_DEPENDS})
    set_target_properties(${target} PROPERTIES
      CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
    if(NOT CMAKE_SYSTEM_PROCESSOR STREQUAL "avr")
      set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON)
    endif()
    portal_set_warnings(${target})
  endif()
  add_library(Portal::${name} ALIAS ${target})
endfunction()

# portal_add_test(<name> SOURCES … [LINK …] LABELS … [TIMEOUT s] [RESOURCE_LOCK …])
# One Qt Test executable per unit; data files are found through PORTAL_TEST_DATA_DIR.
function(portal_add_test name)
  cmake_parse_arguments(arg "" "TIMEOUT" "SOURCES;LINK;LABELS;RESOURCE_LOCK" ${ARGN})
  if(NOT arg_LABELS)
    message(FATAL_ERROR "portal_add_test(${name}): LABELS is required")
  endif()
  if(NOT arg_TIMEOUT)
    set(arg_TIMEOUT 120)
  endif()
  add_executable(${name} ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE Qt6::Test ${arg_LINK})
  # Test classes are Q_OBJECTs (private slots) and include their own .moc.
  set_target_properties(${name} PROPERTIES AUTOMOC ON)
  target_compile_definitions(${name} PRIVATE
    QT_FORCE_ASSERTS PORTAL_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data"
    PORTAL_SOURCE_DIR="${PROJECT_SOURCE_DIR}" PORTAL_BINARY_DIR="${PROJECT_BINARY_DIR}")
  portal_set_warnings(${name})
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES
    LABELS "${arg_LABELS}" TIMEOUT ${arg_TIMEOUT}
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;QT_LOGGING_RULES=*.debug=false")
  if(arg_RESOURCE_LOCK)
    set_tests_properties(${name} PROPERTIES RESOURCE_LOCK "${arg_RESOURCE_LOCK}")
  endif()
endfunction()

# portal_add_fuzzer(<name> SOURCES … LINK … [SECONDS s])
# A libFuzzer target (clang only) and a bounded smoke run registered with label `fuzz`.
# The smoke corpus starts from tests/fuzz/corpus/<name> when present.
function(portal_add_fuzzer name)
  cmake_parse_arguments(arg "" "SECONDS" "SOURCES;LINK" ${ARGN})
  if(NOT arg_SECONDS)
    set(arg_SECONDS 20)
  endif()
  add_executable(${name} ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE ${arg_LINK})
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  portal_set_warnings(${name})
  set(work ${CMAKE_CURRENT_BINARY_DIR}/${name}.corpus)
  set(seed ${PROJECT_SOURCE_DIR}/tests/fuzz/corpus/${name})
  add_test(NAME ${name}_smoke
    COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=1
            $<TARGET_FILE:${name}> -max_total_time=${arg_SECONDS} -rss_limit_mb=1024
            -timeout=5 -print_final_stats=1 ${work} ${seed})
  set_tests_properties(${name}_smoke PROPERTIES
    LABELS fuzz TIMEOUT ${arg_SECONDS}0
    FIXTURES_REQUIRED ${name}_corpus)
  add_test(NAME ${name}_corpus_dir COMMAND ${CMAKE_COMMAND} -E make_directory ${work} ${seed})
  set_tests_properties(${name}_corpus_dir PROPERTIES LABELS fuzz FIXTURES_SETUP ${name}_corpus)
endfunction()
