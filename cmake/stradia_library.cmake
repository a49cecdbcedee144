# stradia_library(<folder> SOURCES ... DEPENDS <folders> [PUBLIC_LIBS ...] [PRIVATE_LIBS ...])
#
# One static library per folder of DESIGN.md's table, named stradia_<folder> (alias
# stradia::<folder>). DEPENDS lists the folders its row allows; the library links them and
# may include their headers, and those of the folders they may depend on in turn.
#
# The include path is a folder of links made at configure time (build/layers/<folder>/)
# that holds only the folder itself and what it may depend on, so an include from any
# other folder does not compile. The rows are also written to build/layers.txt, which the
# `layers.*` tests read to check every include of the source tree, third-party headers
# included.
define_property(GLOBAL PROPERTY STRADIA_LAYER_ROWS BRIEF_DOCS "folder|depends|closure rows")

function(stradia_library folder)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPENDS;PUBLIC_LIBS;PRIVATE_LIBS" ${ARGN})
  set(target stradia_${folder})
  set(closure "")
  foreach(dep IN LISTS ARG_DEPENDS)
    if(NOT dep STREQUAL "schemas")
      get_property(dep_closure GLOBAL PROPERTY STRADIA_LAYER_CLOSURE_${dep})
      if(NOT DEFINED dep_closure AND NOT TARGET stradia_${dep})
        message(FATAL_ERROR "stradia_library(${folder}): '${dep}' is declared after it, or not at all")
      endif()
      list(APPEND closure ${dep} ${dep_closure})
    endif()
  endforeach()
  list(REMOVE_DUPLICATES closure)
  list(SORT closure)
  set_property(GLOBAL PROPERTY STRADIA_LAYER_CLOSURE_${folder} ${closure})
  string(JOIN "," depends_text ${ARG_DEPENDS})
  string(JOIN "," closure_text ${closure})
  set_property(GLOBAL APPEND PROPERTY STRADIA_LAYER_ROWS "${folder}|${depends_text}|${closure_text}")

  set(farm ${PROJECT_BINARY_DIR}/layers/${folder})
  file(REMOVE_RECURSE ${farm})
  file(MAKE_DIRECTORY ${farm})
  foreach(visible IN LISTS closure ITEMS ${folder})
    file(CREATE_LINK ${PROJECT_SOURCE_DIR}/${visible} ${farm}/${visible} SYMBOLIC)
  endforeach()

  add_library(${target} STATIC ${ARG_SOURCES})
  add_library(stradia::${folder} ALIAS ${target})
  target_include_directories(${target} PUBLIC ${farm})
  set(dep_targets "")
  foreach(dep IN LISTS ARG_DEPENDS)
    list(APPEND dep_targets stradia::${dep})
  endforeach()
  target_link_libraries(${target} PUBLIC ${dep_targets} ${ARG_PUBLIC_LIBS} PRIVATE ${ARG_PRIVATE_LIBS} stradia_warnings)
endfunction()

# Writes build/layers.txt: one row per folder, "folder|depends|closure".
function(stradia_write_layers)
  get_property(rows GLOBAL PROPERTY STRADIA_LAYER_ROWS)
  string(JOIN "\n" text ${rows})
  file(WRITE ${PROJECT_BINARY_DIR}/layers.txt "${text}\n")
endfunction()
