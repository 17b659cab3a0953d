// CBLAS and LAPACKE from Debian's libopenblas-dev and liblapacke-dev.
// pkg-config's `openblas` adds the OpenBLAS include directory (cblas.h, openblas_set_num_threads);
// lapacke.h lives in /usr/include. LAPACKE is linked explicitly in module.modulemap because
// openblas.pc does not link it.
#include <cblas.h>
#include <lapacke.h>
