# stradia_embed_web(<target>): compiles the files of <folder>/web (the console's pages,
# modules and styles) into <target> as gateway::embedded_web_assets().
function(stradia_embed_web target)
  file(GLOB web_files CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/web/*)
  set(embedded ${CMAKE_CURRENT_BINARY_DIR}/embedded_web_assets.cpp)
  add_custom_command(
    OUTPUT ${embedded}
    COMMAND ${CMAKE_COMMAND} -DWEB_DIR=${CMAKE_CURRENT_SOURCE_DIR}/web -DOUTPUT=${embedded}
            -P ${PROJECT_SOURCE_DIR}/cmake/embed_web.cmake
    DEPENDS ${web_files} ${PROJECT_SOURCE_DIR}/cmake/embed_web.cmake
    COMMENT "Embedding the console's files")
  target_sources(${target} PRIVATE ${embedded})
endfunction()
