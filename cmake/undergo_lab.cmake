# Adds every lab from its manifest. The manifests are read by `labtool`, built
# here at configure time from the grader's own manifest parser, so CMake and
# the grader agree on every field and report errors the same way.

set(UNDERGO_LABTOOL ${CMAKE_BINARY_DIR}/labtool)

function(undergo_build_labtool)
  set(src ${CMAKE_SOURCE_DIR}/grader/manifest.c ${CMAKE_SOURCE_DIR}/grader/labtool.c)
  execute_process(
    COMMAND ${CMAKE_C_COMPILER} -std=c17 -D_GNU_SOURCE -O1 -I${CMAKE_SOURCE_DIR}/grader
            ${yaml_0_1_CFLAGS} ${src} -o ${UNDERGO_LABTOOL} ${yaml_0_1_LDFLAGS}
    RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "cannot build labtool:\n${err}")
  endif()
  set_property(DIRECTORY ${CMAKE_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
               ${src} ${CMAKE_SOURCE_DIR}/grader/manifest.h)
endfunction()

# The recipe the grader follows to build a submission of lab `name`: the
# compiler, its flags and the link lines, with every library path resolved
# by CMake. Written to <build>/labs/<name>/recipe.json.
function(undergo_write_recipe name libs benches)
  set(cflags -std=c17 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -DLAB_SOLUTION=0
             -I${CMAKE_SOURCE_DIR}/include)
  set(ldflags)
  if(UNDERGO_SANITIZE)
    list(APPEND cflags -fsanitize=${UNDERGO_SANITIZE} -fno-omit-frame-pointer)
    list(APPEND ldflags -fsanitize=${UNDERGO_SANITIZE})
  endif()
  set(extra_libs)
  foreach(l IN LISTS libs)
    if(l STREQUAL "undergo_runtime")
      get_target_property(type undergo_runtime TYPE)
      if(type STREQUAL "STATIC_LIBRARY")
        list(APPEND extra_libs "$<TARGET_FILE:undergo_runtime>")
      endif()
    elseif(l MATCHES "^PkgConfig::(.*)$")
      set(var ${CMAKE_MATCH_1})
      list(APPEND cflags ${${var}_CFLAGS})
      list(APPEND extra_libs ${${var}_LDFLAGS})
    endif()
  endforeach()
  list(APPEND extra_libs ${cmocka_LDFLAGS} -lm -lpthread)
  set(test_link -Wl,--whole-archive "$<TARGET_FILE:${name}_tests>" -Wl,--no-whole-archive
                "$<TARGET_FILE:undergo_labtest>" ${extra_libs} ${ldflags})
  set(bench_link)
  if(benches)
    set(bench_link -Wl,--whole-archive "$<TARGET_FILE:${name}_benches>"
                   "$<TARGET_FILE:undergo_bench>" -Wl,--no-whole-archive ${extra_libs} ${ldflags})
  endif()
  foreach(v cflags test_link bench_link)
    list(JOIN ${v} "\", \"" joined)
    if(joined)
      set(${v}_json "[\"${joined}\"]")
    else()
      set(${v}_json "[]")
    endif()
  endforeach()
  file(GENERATE OUTPUT ${CMAKE_BINARY_DIR}/labs/${name}/recipe.json CONTENT
"{\"cc\": \"${CMAKE_C_COMPILER}\",\n \"cflags\": ${cflags_json},\n \"test_link\": ${test_link_json},\n \"bench_link\": ${bench_link_json}}\n")
endfunction()

# undergo_add_lab(NAME n SOURCES a.c.. NEEDS mod..) — called from the file
# labtool generates; one call per lab.
function(undergo_add_lab)
  cmake_parse_arguments(L "" "NAME" "SOURCES;NEEDS" ${ARGN})
  set(dir ${CMAKE_SOURCE_DIR}/labs/${L_NAME})
  set(libs undergo_common)
  foreach(n IN LISTS L_NEEDS)
    if(n STREQUAL "runtime")
      list(APPEND libs undergo_runtime)
    else()
      string(MAKE_C_IDENTIFIER "${n}" var)
      pkg_check_modules(${var} REQUIRED QUIET IMPORTED_TARGET ${n})
      list(APPEND libs PkgConfig::${var})
    endif()
  endforeach()
  list(TRANSFORM L_SOURCES PREPEND ${dir}/)

  foreach(variant ref stub)
    if(variant STREQUAL "ref")
      set(sol 1)
    else()
      set(sol 0)
    endif()
    add_library(${L_NAME}_${variant} STATIC ${L_SOURCES})
    target_compile_definitions(${L_NAME}_${variant} PRIVATE LAB_SOLUTION=${sol})
    target_include_directories(${L_NAME}_${variant} PUBLIC ${dir})
    target_link_libraries(${L_NAME}_${variant} PUBLIC ${libs})
  endforeach()

  # Test and bench objects are built once, from the pristine tree, into
  # static libraries that are linked whole (their tests register through a
  # linker section nothing references by name). A submission's objects are
  # linked against these same libraries.
  file(GLOB tests CONFIGURE_DEPENDS ${dir}/tests/*.c ${dir}/tests/hidden/*.c)
  add_library(${L_NAME}_tests STATIC ${tests})
  target_include_directories(${L_NAME}_tests PRIVATE ${dir})
  target_link_libraries(${L_NAME}_tests PRIVATE undergo_common PkgConfig::cmocka ${libs})
  set(link_tests "$<LINK_LIBRARY:WHOLE_ARCHIVE,${L_NAME}_tests>")

  file(GLOB benches CONFIGURE_DEPENDS ${dir}/bench/*.c)
  if(benches)
    add_library(${L_NAME}_benches STATIC ${benches})
    target_include_directories(${L_NAME}_benches PRIVATE ${dir})
    target_link_libraries(${L_NAME}_benches PRIVATE undergo_common ${libs})
    set(link_benches "$<LINK_LIBRARY:WHOLE_ARCHIVE,${L_NAME}_benches>")
  endif()

  foreach(variant ref stub)
    add_executable(${L_NAME}_test_${variant} ${CMAKE_SOURCE_DIR}/cmake/empty.c)
    target_link_libraries(${L_NAME}_test_${variant} PRIVATE ${link_tests} ${L_NAME}_${variant}
                          undergo_labtest)
    if(benches)
      add_executable(${L_NAME}_bench_${variant} ${CMAKE_SOURCE_DIR}/cmake/empty.c)
      target_link_libraries(${L_NAME}_bench_${variant} PRIVATE ${link_benches}
                            ${L_NAME}_${variant} undergo_bench)
    endif()
  endforeach()
  undergo_write_recipe(${L_NAME} "${libs}" "${benches}")

  add_test(NAME lab.${L_NAME}.reference_passes COMMAND ${L_NAME}_test_ref)
  add_test(NAME lab.${L_NAME}.stub_fails_every_test COMMAND ${L_NAME}_test_stub --expect-all-fail)
  set_tests_properties(lab.${L_NAME}.reference_passes lab.${L_NAME}.stub_fails_every_test
                       PROPERTIES LABELS "lab;${L_NAME}" TIMEOUT 600)
endfunction()

function(undergo_add_all_labs)
  undergo_build_labtool()
  file(GLOB manifests CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/labs/*/lab.yaml)
  set(out ${CMAKE_BINARY_DIR}/labs.cmake)
  execute_process(COMMAND ${UNDERGO_LABTOOL} cmake labs ${UNDERGO_ONLY}
                  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
                  OUTPUT_FILE ${out} RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    string(STRIP "${err}" err)
    message(FATAL_ERROR "${err}")
  endif()
  set_property(DIRECTORY ${CMAKE_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${manifests})
  include(${out})
endfunction()
