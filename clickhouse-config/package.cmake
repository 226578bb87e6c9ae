# package.cmake — the Debian package clickhouse-cdc-udfs (cpack -G DEB; run by
# tests/tools/build-deb.sh).  Included by the top-level CMakeLists.txt after
# the install rules, which are the package's contents:
#   /var/lib/clickhouse/user_scripts/<function>   the binaries
#   /etc/clickhouse-server/cdc_udfs_function.xml  the definitions, a conffile
# Dependencies are computed by dpkg-shlibdeps (libc6, libseccomp2, and
# libpcre2-8-0 for outbox_route).  The
# maintainer scripts (debian/) never restart the server: they print the
# SYSTEM RELOAD FUNCTIONS that makes a running server pick up the change.
set(CDC_PACKAGE_RELEASE 1 CACHE STRING "Debian revision of the package (the N of <version>-N)")

set(CPACK_PACKAGE_NAME clickhouse-cdc-udfs)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "clickhouse-cdc-udfs maintainers <clickhouse-cdc-udfs@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "ClickHouse executable UDFs that decode Debezium change events")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
  "Small C executables that a ClickHouse server runs as executable user-defined\n\
functions (debezium_unwrap, debezium_flatten, experiment_event, orders_change,\n\
campaign_event, payload_get, is_valid_after_assignment, outbox_route): one pass over\n\
each Kafka message, typed columns out, and a per-row error instead of a stalled\n\
consumer.  Each process confines itself with seccomp after start-up.\n\
.\n\
The definitions are installed as /etc/clickhouse-server/cdc_udfs_function.xml,\n\
which the server's stock user_defined_executable_functions_config pattern\n\
(*_function.xml) loads beside its other functions.")
set(CPACK_DEBIAN_PACKAGE_NAME ${CPACK_PACKAGE_NAME})
set(CPACK_DEBIAN_PACKAGE_RELEASE ${CDC_PACKAGE_RELEASE})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_PACKAGING_INSTALL_PREFIX /)   # every destination is absolute: no empty /usr
set(CPACK_DEBIAN_PACKAGE_SECTION database)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_ENHANCES clickhouse-server)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
# The architecture of the binaries, not of the machine that packs them (arm64
# is cross-compiled with tests/tools/aarch64-linux-gnu.cmake).
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64)$")
  set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE arm64)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64)$")
  set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE amd64)
endif()

# Maintainer scripts and the conffile list (CPack marks no conffile by itself).
set(cdc_deb_dir ${CMAKE_BINARY_DIR}/debian)
configure_file(${CMAKE_CURRENT_LIST_DIR}/debian/conffiles.in ${cdc_deb_dir}/conffiles @ONLY)
foreach(script postinst postrm)
  file(COPY ${CMAKE_CURRENT_LIST_DIR}/debian/${script} DESTINATION ${cdc_deb_dir}
       FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
endforeach()
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${cdc_deb_dir}/conffiles ${cdc_deb_dir}/postinst ${cdc_deb_dir}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)

set(CPACK_GENERATOR DEB)
include(CPack)
