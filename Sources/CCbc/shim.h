/* COIN-OR CBC 2.10 C API (Debian: coinor-libcbc-dev). The <coin/...> form also
   works without -I/usr/include/coin: the header's own includes resolve relative
   to its directory. */
#include <coin/Cbc_C_Interface.h>
