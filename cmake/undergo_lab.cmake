# Adds every shared lib (libs/<name>/) and every lab from its manifest. The
# manifests are read by `labtool`, built here at configure time from the
# grader's own manifest parser, so CMake and the grader agree on every field
# and report errors the same way.
#
# A lab's `needs:` names, in any order:
#   runtime      the Go-like runtime (runtime/, include/undergo/)
#   <lib>        a shared lab library, libs/<lib>/ (pristine code no candidate edits)
#   <module>     anything else is a pkg-config module (liburing, bdw-gc, ...)
# A lib's own needs follow the same rule, so a lab that needs `http` gets
# the runtime and http-parser with it. A lab never needs another lab.

set(UNDERGO_LABTOOL ${CMAKE_BINARY_DIR}/labtool)

function(undergo_build_labtool)
  set(src ${CMAKE_SOURCE_DIR}/grader/lab/manifest.c ${CMAKE_SOURCE_DIR}/grader/lab/labtool.c)
  execute_process(
    COMMAND ${CMAKE_C_COMPILER} -std=c17 -D_GNU_SOURCE -O1 -I${CMAKE_SOURCE_DIR}/grader/lab
            ${yaml_0_1_CFLAGS} ${src} -o ${UNDERGO_LABTOOL} ${yaml_0_1_LDFLAGS}
    RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "cannot build labtool:\n${err}")
  endif()
  set_property(DIRECTORY ${CMAKE_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
               ${src} ${CMAKE_SOURCE_DIR}/grader/lab/manifest.h)
endfunction()

# ---- needs -------------------------------------------------------------------

# Sets ${out} to the CMake targets for a list of needs (see the top).
function(undergo_need_targets needs out)
  set(targets)
  foreach(n IN LISTS needs)
    if(n STREQUAL "runtime")
      list(APPEND targets undergo_runtime)
    elseif(EXISTS ${CMAKE_SOURCE_DIR}/libs/${n}/CMakeLists.txt)
      if(NOT TARGET undergo_lib_${n})
        message(FATAL_ERROR "needs '${n}': libs/${n}/CMakeLists.txt does not define undergo_lib_${n}")
      endif()
      list(APPEND targets undergo_lib_${n})
    else()
      string(MAKE_C_IDENTIFIER "${n}" var)
      if(NOT TARGET PkgConfig::${var})
        pkg_check_modules(${var} QUIET IMPORTED_TARGET GLOBAL ${n})
        if(NOT ${var}_FOUND)
          message(FATAL_ERROR "needs '${n}': no lib libs/${n}/ and no pkg-config module '${n}' "
                              "(scripts/debian-packages.txt lists the -dev packages)")
        endif()
      endif()
      list(APPEND targets PkgConfig::${var})
    endif()
  endforeach()
  set(${out} ${targets} PARENT_SCOPE)
endfunction()

# undergo_add_lib(NAME n SOURCES a.c.. [NEEDS x..]) — in libs/<n>/CMakeLists.txt.
# Defines undergo_lib_<n>, a static library whose public headers are
# libs/<n>/include/ (so a lab includes <undergo/<n>.h> or similar).
function(undergo_add_lib)
  cmake_parse_arguments(L "" "NAME" "SOURCES;NEEDS" ${ARGN})
  set(dir ${CMAKE_SOURCE_DIR}/libs/${L_NAME})
  undergo_need_targets("${L_NEEDS}" deps)
  list(TRANSFORM L_SOURCES PREPEND ${dir}/)
  add_library(undergo_lib_${L_NAME} STATIC ${L_SOURCES})
  target_include_directories(undergo_lib_${L_NAME} PUBLIC ${dir}/include)
  target_link_libraries(undergo_lib_${L_NAME} PUBLIC undergo_common ${deps})
  set_property(GLOBAL PROPERTY UNDERGO_NEEDS_undergo_lib_${L_NAME} "${deps}")
endfunction()

function(undergo_add_all_libs)
  file(GLOB libs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/libs/*/CMakeLists.txt)
  foreach(l IN LISTS libs)
    get_filename_component(dir ${l} DIRECTORY)
    get_filename_component(lib ${dir} NAME)
    add_subdirectory(${dir} ${CMAKE_BINARY_DIR}/libs/${lib})
  endforeach()
endfunction()

# Appends to the caller's `recipe_cflags`/`recipe_libs` what linking
# `targets` outside CMake takes: each static archive (libs first, then
# what they need, as a link line must order them), include dirs and
# pkg-config flags.
function(undergo_recipe_flags targets)
  set(cflags ${recipe_cflags})
  set(libs ${recipe_libs})
  foreach(t IN LISTS targets)
    if(t MATCHES "^PkgConfig::(.*)$")
      set(var ${CMAKE_MATCH_1})
      list(APPEND cflags ${${var}_CFLAGS})
      list(APPEND libs ${${var}_LDFLAGS})
      continue()
    endif()
    list(APPEND libs "$<TARGET_FILE:${t}>")
    if(t MATCHES "^undergo_lib_(.*)$")
      list(APPEND cflags -I${CMAKE_SOURCE_DIR}/libs/${CMAKE_MATCH_1}/include)
    endif()
    get_property(sub GLOBAL PROPERTY UNDERGO_NEEDS_${t})
    if(sub)
      set(recipe_cflags ${cflags})
      set(recipe_libs ${libs})
      undergo_recipe_flags("${sub}")
      set(cflags ${recipe_cflags})
      set(libs ${recipe_libs})
    endif()
  endforeach()
  set(recipe_cflags ${cflags} PARENT_SCOPE)
  set(recipe_libs ${libs} PARENT_SCOPE)
endfunction()

# The recipe the grader follows to build a submission of lab `name`: the
# compiler, its flags and the link lines, with every library path resolved
# by CMake. Written to <build>/labs/<name>/recipe.json. A candidate's
# warnings are shown, not fatal (-Werror is for the project's own code);
# the linker plugin is off, so LTO bytecode in an object is never used.
function(undergo_write_recipe name deps benches)
  # The tree's own optimisation flags (the build type's: -O2 -g -DNDEBUG for
  # RelWithDebInfo), so a submission is compiled exactly as the reference it
  # is timed against.
  string(TOUPPER "${CMAKE_BUILD_TYPE}" bt)
  separate_arguments(type_flags UNIX_COMMAND "${CMAKE_C_FLAGS} ${CMAKE_C_FLAGS_${bt}}")
  set(recipe_cflags -std=c17 -D_GNU_SOURCE ${type_flags} -Wall -Wextra -DLAB_SOLUTION=0
                    -I${CMAKE_SOURCE_DIR}/include)
  set(recipe_libs)
  undergo_recipe_flags("${deps}")
  set(cflags ${recipe_cflags})
  set(ldflags)
  if(CMAKE_C_COMPILER_ID STREQUAL "GNU")
    list(APPEND ldflags -fno-use-linker-plugin)
  endif()
  if(UNDERGO_SANITIZE)
    list(APPEND cflags -fsanitize=${UNDERGO_SANITIZE} -fno-omit-frame-pointer)
    list(APPEND ldflags -fsanitize=${UNDERGO_SANITIZE})
  endif()
  set(extra_libs ${recipe_libs} ${lab_test_ldflags} ${cmocka_LDFLAGS} -lm -lpthread)
  set(test_link -Wl,--whole-archive "$<TARGET_FILE:${name}_tests_rec>" -Wl,--no-whole-archive
                "$<TARGET_FILE:undergo_labtest>" ${extra_libs} ${ldflags})
  set(bench_link)
  if(benches)
    set(bench_link -Wl,--whole-archive "$<TARGET_FILE:${name}_benches>" -Wl,--no-whole-archive
                   "$<TARGET_FILE:undergo_bench>" ${extra_libs} ${ldflags})
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

# ---- labs --------------------------------------------------------------------

if(EXISTS ${CMAKE_SOURCE_DIR}/handout.json)
  set(UNDERGO_HANDOUT ON)
endif()

# Sets, for a variant, ${sfx} (of its binaries: "_ref", "_stub", or "" for
# a handout's one variant "-"), ${sol} (LAB_SOLUTION) and ${lsfx} (of its
# library: <lab>_ref, <lab>_stub, or <lab>_lib in a handout).
macro(undergo_variant_suffix variant sfx sol lsfx)
  if("${variant}" STREQUAL "-")
    set(${sfx} "")
    set(${sol} 0)
    set(${lsfx} "_lib")
  elseif("${variant}" STREQUAL "ref")
    set(${sfx} "_ref")
    set(${sol} 1)
    set(${lsfx} "_ref")
  else()
    set(${sfx} "_${variant}")
    set(${sol} 0)
    set(${lsfx} "_${variant}")
  endif()
endmacro()

# Every demo of a lab (labs/<n>/demo/<demo>.c, declared in the manifest)
# against the reference, <n>_demo_<demo>, and against the stub,
# <n>_demo_<demo>_stub; in a handout only against the candidate's own code,
# <n>_demo_<demo>_mine (`grader demo --mine`). A demo sees only the lab's public header
# (the lab folder's include path) and the public undergo headers.
function(undergo_add_demos name demos html_demos libs)
  set(dir ${CMAKE_SOURCE_DIR}/labs/${name}/demo)
  foreach(demo IN LISTS demos)
    if(UNDERGO_HANDOUT)
      # The reference demos come compiled (reference/bin/); --mine runs these.
      add_executable(${name}_demo_${demo}_mine ${dir}/${demo}.c)
      target_link_libraries(${name}_demo_${demo}_mine PRIVATE ${name}_lib undergo_demo ${libs})
      continue()
    endif()
    foreach(variant ref stub)
      set(target ${name}_demo_${demo})
      if(variant STREQUAL "stub")
        set(target ${target}_stub)
      endif()
      add_executable(${target} ${dir}/${demo}.c)
      target_link_libraries(${target} PRIVATE ${name}_${variant} undergo_demo ${libs})
    endforeach()
    set(html no)
    if(demo IN_LIST html_demos)
      set(html yes)
    endif()
    add_test(NAME lab.${name}.demo.${demo}
             COMMAND bash ${CMAKE_SOURCE_DIR}/cmake/demo_check.sh $<TARGET_FILE:${name}_demo_${demo}> ${html})
    set_tests_properties(lab.${name}.demo.${demo} PROPERTIES LABELS "lab;${name};demo" TIMEOUT 120)
  endforeach()
endfunction()

# A lab's integration tests, labs/<n>/tests/integration/: what the sandbox
# cannot hold because it needs the machine itself — network namespaces the
# test makes, a real peer (keepalived, etcd-server) beside the reference, a
# real SIGKILL. They judge the reference only and are never graded or
# handed out. <t>.c is a program linked with the reference library
# (<n>_integration_<t>; it includes only <n>.h and the public headers);
# <t>.sh runs with bash, given the build's bin folder and the lab's source
# folder. Either is ctest's lab.<n>.integration.<t>: exit 0 passes, 77
# skips with a line saying what the machine lacks (CI's dev leg allows no
# skip), anything else fails.
function(undergo_add_integration name libs)
  set(dir ${CMAKE_SOURCE_DIR}/labs/${name}/tests/integration)
  file(GLOB progs CONFIGURE_DEPENDS ${dir}/*.c)
  file(GLOB scripts CONFIGURE_DEPENDS ${dir}/*.sh)
  foreach(src IN LISTS progs)
    get_filename_component(t ${src} NAME_WE)
    add_executable(${name}_integration_${t} ${src})
    target_link_libraries(${name}_integration_${t} PRIVATE ${name}_ref undergo_common ${libs})
    add_test(NAME lab.${name}.integration.${t} COMMAND ${name}_integration_${t})
    list(APPEND names lab.${name}.integration.${t})
  endforeach()
  foreach(src IN LISTS scripts)
    get_filename_component(t ${src} NAME_WE)
    add_test(NAME lab.${name}.integration.${t}
             COMMAND bash ${src} ${CMAKE_BINARY_DIR}/bin ${CMAKE_SOURCE_DIR}/labs/${name})
    list(APPEND names lab.${name}.integration.${t})
  endforeach()
  if(names)
    set_tests_properties(${names} PROPERTIES LABELS "lab;${name};integration" TIMEOUT 300
                         SKIP_RETURN_CODE 77)
  endif()
endfunction()

# undergo_add_lab(NAME n PREFIX p SOURCES a.c.. NEEDS x.. [DEMOS d..]
# [HTML_DEMOS d..] [STUB_PASSES]) — from the file labtool generates; one call
# per lab. STUB_PASSES: the manifest's `stub: passes` (a correct but slow
# handout, scored on performance only).
# SOURCES are relative to the lab folder: its editable .c files, then
# support/*.c (docs/lab-format.md).
function(undergo_add_lab)
  cmake_parse_arguments(L "STUB_PASSES" "NAME;PREFIX" "SOURCES;NEEDS;DEMOS;HTML_DEMOS" ${ARGN})
  set(dir ${CMAKE_SOURCE_DIR}/labs/${L_NAME})
  undergo_need_targets("${L_NEEDS}" deps)
  set(libs undergo_common ${deps})
  list(TRANSFORM L_SOURCES PREPEND ${dir}/)

  # The variants: in the source tree the reference (LAB_SOLUTION=1) and the
  # stub; in a handout (handout.json at its root) one, the candidate's code,
  # with no suffix: iface_test, iface_graded, iface_bench.
  if(UNDERGO_HANDOUT)
    set(variants "-")
  else()
    set(variants ref stub)
  endif()
  foreach(variant IN LISTS variants)
    undergo_variant_suffix(${variant} sfx sol lsfx)
    add_library(${L_NAME}${lsfx} STATIC ${L_SOURCES})
    target_compile_definitions(${L_NAME}${lsfx} PRIVATE LAB_SOLUTION=${sol})
    target_include_directories(${L_NAME}${lsfx} PUBLIC ${dir})
    target_link_libraries(${L_NAME}${lsfx} PUBLIC ${libs})
  endforeach()
  if(NOT UNDERGO_HANDOUT)
    # The global names the reference defines: what a submission's objects
    # may define too (grader/build/audit.c).
    add_custom_command(TARGET ${L_NAME}_ref POST_BUILD
      COMMAND sh -c "${CMAKE_NM} -g --defined-only -P '$<TARGET_FILE:${L_NAME}_ref>' > '${CMAKE_BINARY_DIR}/labs/${L_NAME}/api.txt'"
      VERBATIM)
  endif()

  # Test and bench objects are built once, from the pristine tree, into
  # static libraries that are linked whole (their tests register through a
  # linker section nothing references by name). Tests are compiled twice:
  # judging (the reference's and stub's binaries, and the trusted run of
  # grading) and recording (UG_RECORD_ONLY: the binary linked with the code
  # being graded, with the expected operands compiled out; labtest.h).
  # A submission's objects are linked against these same libraries.
  file(GLOB tests CONFIGURE_DEPENDS ${dir}/tests/*.c ${dir}/tests/hidden/*.c)
  foreach(kind judge rec)
    set(t ${L_NAME}_tests)
    if(kind STREQUAL "rec")
      set(t ${L_NAME}_tests_rec)
    endif()
    add_library(${t} STATIC ${tests})
    target_include_directories(${t} PRIVATE ${dir})
    target_link_libraries(${t} PRIVATE undergo_common PkgConfig::cmocka ${libs})
    if(kind STREQUAL "rec")
      target_compile_definitions(${t} PRIVATE UG_RECORD_ONLY=1)
    endif()
  endforeach()

  file(GLOB benches CONFIGURE_DEPENDS ${dir}/bench/*.c)
  if(benches)
    add_library(${L_NAME}_benches STATIC ${benches})
    target_include_directories(${L_NAME}_benches PRIVATE ${dir})
    target_link_libraries(${L_NAME}_benches PRIVATE undergo_common ${libs})
    set(link_benches "$<LINK_LIBRARY:WHOLE_ARCHIVE,${L_NAME}_benches>")
  endif()

  # <lab>_test<sfx> judges (people, ctest, the trusted run);
  # <lab>_graded<sfx> records (what `grader run` grades).
  foreach(variant IN LISTS variants)
    undergo_variant_suffix(${variant} sfx sol lsfx)
    add_executable(${L_NAME}_test${sfx} ${CMAKE_SOURCE_DIR}/cmake/empty.c)
    target_link_libraries(${L_NAME}_test${sfx} PRIVATE
                          "$<LINK_LIBRARY:WHOLE_ARCHIVE,${L_NAME}_tests>" ${L_NAME}${lsfx}
                          undergo_labtest)
    add_executable(${L_NAME}_graded${sfx} ${CMAKE_SOURCE_DIR}/cmake/empty.c)
    target_link_libraries(${L_NAME}_graded${sfx} PRIVATE
                          "$<LINK_LIBRARY:WHOLE_ARCHIVE,${L_NAME}_tests_rec>" ${L_NAME}${lsfx}
                          undergo_labtest)
    if(benches)
      add_executable(${L_NAME}_bench${sfx} ${CMAKE_SOURCE_DIR}/cmake/empty.c)
      target_link_libraries(${L_NAME}_bench${sfx} PRIVATE ${link_benches}
                            ${L_NAME}${lsfx} undergo_bench)
    endif()
  endforeach()
  # <lab>_grading<sfx>: everything `grader run` needs for that variant, so
  # the grader asks CMake for one target per lab (each target named on a
  # command line costs make a pass over the whole tree).
  foreach(variant IN LISTS variants)
    undergo_variant_suffix(${variant} sfx sol lsfx)
    add_custom_target(${L_NAME}_grading${sfx})
    add_dependencies(${L_NAME}_grading${sfx} ${L_NAME}_graded${sfx})
    if(benches)
      add_dependencies(${L_NAME}_grading${sfx} ${L_NAME}_bench${sfx})
    endif()
    if(NOT UNDERGO_HANDOUT)
      add_dependencies(${L_NAME}_grading${sfx} ${L_NAME}_test_ref)
      if(benches)
        add_dependencies(${L_NAME}_grading${sfx} ${L_NAME}_bench_ref)
      endif()
    endif()
  endforeach()
  if(NOT UNDERGO_HANDOUT)
    # What a handout ships compiled: the reference judging its visible tests.
    file(GLOB visible CONFIGURE_DEPENDS ${dir}/tests/*.c)
    add_library(${L_NAME}_tests_visible STATIC EXCLUDE_FROM_ALL ${visible})
    target_include_directories(${L_NAME}_tests_visible PRIVATE ${dir})
    target_link_libraries(${L_NAME}_tests_visible PRIVATE undergo_common PkgConfig::cmocka ${libs})
    add_executable(${L_NAME}_handout_test EXCLUDE_FROM_ALL ${CMAKE_SOURCE_DIR}/cmake/empty.c)
    target_link_libraries(${L_NAME}_handout_test PRIVATE
                          "$<LINK_LIBRARY:WHOLE_ARCHIVE,${L_NAME}_tests_visible>" ${L_NAME}_ref
                          undergo_labtest)
  endif()
  # A lab's tests/tests.cmake, when present, adds what its tests and
  # benchmarks alone link (an anchor library, code generated from a schema
  # at build time), never the lab library: it sees `dir` and the targets
  # ${L_NAME}_tests, _tests_rec, _benches and _tests_visible (each when it
  # exists), and appends to `lab_test_ldflags` what a submission's test and
  # bench link lines need besides (docs/lab-format.md).
  set(lab_test_ldflags)
  if(EXISTS ${dir}/tests/tests.cmake)
    include(${dir}/tests/tests.cmake)
  endif()
  undergo_write_recipe(${L_NAME} "${deps}" "${benches}")
  undergo_add_demos(${L_NAME} "${L_DEMOS}" "${L_HTML_DEMOS}" "${libs}")

  if(UNDERGO_HANDOUT)
    return()
  endif()
  add_test(NAME lab.${L_NAME}.reference_passes COMMAND ${L_NAME}_test_ref)
  if(L_STUB_PASSES)
    # A correct but slow handout: its stub passes every test, and only speed
    # is left to earn. Graded with benchmarks, the stub earns none of it and
    # the reference all of it.
    set(stub_test lab.${L_NAME}.stub_passes_every_test)
    add_test(NAME ${stub_test} COMMAND ${L_NAME}_test_stub)
    if(TARGET grader)
      foreach(v stub ref)
        set(perf_test lab.${L_NAME}.stub_earns_no_performance)
        set(want zero)
        if(v STREQUAL "ref")
          set(perf_test lab.${L_NAME}.reference_earns_full_performance)
          set(want full)
        endif()
        add_test(NAME ${perf_test}
                 COMMAND bash ${CMAKE_SOURCE_DIR}/cmake/undergo_lab_perf.sh $<TARGET_FILE:grader>
                         ${L_NAME} ${v} ${want})
        set_tests_properties(${perf_test} PROPERTIES LABELS "lab;${L_NAME};bench" TIMEOUT 900
                             PROCESSORS 2 RUN_SERIAL ON)
      endforeach()
    endif()
  else()
    set(stub_test lab.${L_NAME}.stub_fails_every_test)
    add_test(NAME ${stub_test} COMMAND ${L_NAME}_test_stub --expect-all-fail)
  endif()
  # Rigor: every reference test is reproducible, depends on the seed, and
  # carries at least one value check (labtest.h).
  add_test(NAME lab.${L_NAME}.transcripts_are_reproducible_and_seeded
           COMMAND ${L_NAME}_test_ref --check-transcripts)
  # Every global symbol of the lab library carries the lab's prefix, so
  # labs, libs and the runtime never collide at link time.
  add_test(NAME lab.${L_NAME}.symbols_have_the_prefix
           COMMAND ${CMAKE_COMMAND} -DNM=${CMAKE_NM} -DPREFIX=${L_PREFIX}
                   "-DLIBS=$<TARGET_FILE:${L_NAME}_ref>;$<TARGET_FILE:${L_NAME}_stub>"
                   -P ${CMAKE_SOURCE_DIR}/cmake/undergo_lab_symbols.cmake)
  set_tests_properties(lab.${L_NAME}.reference_passes ${stub_test}
                       lab.${L_NAME}.transcripts_are_reproducible_and_seeded
                       lab.${L_NAME}.symbols_have_the_prefix
                       PROPERTIES LABELS "lab;${L_NAME}" TIMEOUT 600)
  undergo_add_integration(${L_NAME} "${libs}")
  # Every mutant of the lab (tests/mutants/*.patch), graded as a submission,
  # fails a test. Each mutant is a full sandboxed build and test run, most
  # of it one compile after another; one test process at a time, so two
  # labs' mutants share the two cores instead of one lab holding both.
  if(TARGET grader)
    add_test(NAME lab.${L_NAME}.mutants_are_killed COMMAND grader mutants --jobs 1 ${L_NAME})
    set_tests_properties(lab.${L_NAME}.mutants_are_killed PROPERTIES
                         LABELS "lab;${L_NAME};mutants" TIMEOUT 1800)
  endif()
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
