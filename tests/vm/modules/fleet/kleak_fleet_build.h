/* SPDX-License-Identifier: GPL-2.0 */
/* The fixed build; the leaking build has 1 here (see Kbuild). */
#define KLEAK_FLEET_LEAK 0
