# CMake toolchain: cross-compile for arm64 with Debian's gcc-aarch64-linux-gnu
# against the arm64 (multiarch) libseccomp and cmocka, which
# tests/tools/bootstrap.sh --arm64 installs.  ctest runs the arm64 test
# programs under qemu-user (qemu-user-static).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64-static)
