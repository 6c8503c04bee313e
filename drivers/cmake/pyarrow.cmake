# Arrow C++ from the pyarrow wheel, shared by the drivers that link it.
#
# pyarrow_import(PREFIX LIB_DIR INCLUDE_DIR) defines the imported targets
# PREFIX_arrow and PREFIX_parquet (which links PREFIX_arrow) for the
# libraries in LIB_DIR (pyarrow.get_library_dirs()[0]), with the headers in
# INCLUDE_DIR (pyarrow.get_include()). The wheel ships versioned sonames
# only (libarrow.so.2600), so the libraries are imported by full path.
function(pyarrow_import prefix libdir incdir)
  file(GLOB _arrow_lib "${libdir}/libarrow.so.[0-9]*")
  file(GLOB _parquet_lib "${libdir}/libparquet.so.[0-9]*")
  list(FILTER _arrow_lib EXCLUDE REGEX "\\.so\\.[0-9]+\\.[0-9]")
  list(FILTER _parquet_lib EXCLUDE REGEX "\\.so\\.[0-9]+\\.[0-9]")
  if(NOT _arrow_lib OR NOT _parquet_lib)
    message(FATAL_ERROR "${PROJECT_NAME}: no libarrow.so.N / libparquet.so.N in ${libdir}")
  endif()
  list(GET _arrow_lib 0 _arrow_lib)
  list(GET _parquet_lib 0 _parquet_lib)
  add_library(${prefix}_arrow SHARED IMPORTED)
  set_target_properties(${prefix}_arrow PROPERTIES
    IMPORTED_LOCATION "${_arrow_lib}"
    INTERFACE_INCLUDE_DIRECTORIES "${incdir}")
  add_library(${prefix}_parquet SHARED IMPORTED)
  set_target_properties(${prefix}_parquet PROPERTIES
    IMPORTED_LOCATION "${_parquet_lib}"
    INTERFACE_LINK_LIBRARIES ${prefix}_arrow)
endfunction()
