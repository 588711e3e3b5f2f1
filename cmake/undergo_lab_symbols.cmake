# Checks that every global symbol a lab library defines starts with the
# lab's prefix and an underscore (gc_alloc, gc__shade, pc_fsync).
#
# usage: cmake -DNM=<nm> -DPREFIX=<prefix> -DLIBS=<a.a;b.a> -P undergo_lab_symbols.cmake
#
# Names starting with "__" or "." are the compiler's own (sanitizer and
# profiling tables), never the lab's, and are skipped.
foreach(lib IN LISTS LIBS)
  execute_process(COMMAND ${NM} -g --defined-only ${lib}
                  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "cannot read the symbols of ${lib}: ${err}")
  endif()
  string(REPLACE "\n" ";" lines "${out}")
  set(bad)
  foreach(line IN LISTS lines)
    # "0000000000000000 T gc_alloc": address, type, name
    if(line MATCHES "^[0-9a-fA-F]* +[A-Za-z] +([^ ]+)$")
      set(sym ${CMAKE_MATCH_1})
      if(sym MATCHES "^(__|\\.)" OR sym MATCHES "^${PREFIX}_")
        continue()
      endif()
      list(APPEND bad ${sym})
    endif()
  endforeach()
  if(bad)
    list(REMOVE_DUPLICATES bad)
    list(JOIN bad ", " names)
    message(FATAL_ERROR "${lib} defines symbols without the prefix '${PREFIX}_': ${names}")
  endif()
  message(STATUS "${lib}: every global symbol starts with '${PREFIX}_'")
endforeach()
