/* GLPK 5.0 C API (Debian: libglpk-dev). */
#include <glpk.h>
