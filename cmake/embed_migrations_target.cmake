# stradia_embed_migrations(<target> <namespace>): compiles <folder>/migrations/NNNN_*.sql
# into <target> as <namespace>::embedded_migrations(). Versions are one sequence across
# the folders that own tables; eventstore::migrate applies them in order.
function(stradia_embed_migrations target namespace)
  file(GLOB migration_files CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/migrations/*.sql)
  set(embedded ${CMAKE_CURRENT_BINARY_DIR}/embedded_migrations.cpp)
  add_custom_command(
    OUTPUT ${embedded}
    COMMAND ${CMAKE_COMMAND} -DMIGRATIONS_DIR=${CMAKE_CURRENT_SOURCE_DIR}/migrations -DOUTPUT=${embedded}
            -DNAMESPACE=${namespace} -P ${PROJECT_SOURCE_DIR}/cmake/embed_migrations.cmake
    DEPENDS ${migration_files} ${PROJECT_SOURCE_DIR}/cmake/embed_migrations.cmake
    COMMENT "Embedding the SQL migrations of ${namespace}")
  target_sources(${target} PRIVATE ${embedded})
endfunction()
