# Writes OUTPUT: a C++ source defining embedded_migrations() from the SQL files of
# MIGRATIONS_DIR named NNNN_name.sql, in version order.
file(GLOB sql_files "${MIGRATIONS_DIR}/[0-9][0-9][0-9][0-9]_*.sql")
list(SORT sql_files)
set(entries "")
foreach(sql_file IN LISTS sql_files)
  get_filename_component(file_name "${sql_file}" NAME_WE)
  string(SUBSTRING "${file_name}" 0 4 version)
  string(REGEX REPLACE "^0+([0-9])" "\\1" version "${version}")
  string(SUBSTRING "${file_name}" 5 -1 name)
  file(READ "${sql_file}" sql)
  string(APPEND entries "      {${version}, \"${name}\", R\"stradia_sql(${sql})stradia_sql\"},\n")
endforeach()
file(WRITE "${OUTPUT}.tmp" "// Generated from eventstore/migrations by embed_migrations.cmake. Do not edit.
#include \"eventstore/migrator.hpp\"

namespace stradia::eventstore {

const std::vector<migration>& embedded_migrations() {
  static const std::vector<migration> migrations{
${entries}  };
  return migrations;
}

}  // namespace stradia::eventstore
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
