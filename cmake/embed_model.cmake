# Compiles the shipped category model (cpp/models/category.smm, written by
# bench/train_category.py) into the library as a byte array, so C++ hosts and the
# Python module carry it without a file to find. A missing file gives an empty
# model: categories are "unknown" until one is trained.
function(samplemind_embed_model source output)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${source}")
  if(EXISTS "${source}")
    file(READ "${source}" hex HEX)
  else()
    set(hex "")
  endif()
  string(LENGTH "${hex}" hex_length)
  math(EXPR size "${hex_length} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  # Wrap lines every 32 bytes so the generated file stays readable by tools.
  string(REGEX REPLACE "((0x..,){32})" "\\1\n" bytes "${bytes}")
  if(size EQUAL 0)
    set(bytes "0x00")
  endif()
  configure_file("${CMAKE_CURRENT_SOURCE_DIR}/cmake/shipped_model.cpp.in" "${output}" @ONLY)
endfunction()
