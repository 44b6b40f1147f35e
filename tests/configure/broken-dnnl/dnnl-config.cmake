# SPDX-License-Identifier: MIT
# A oneDNN package config that cannot load, as Debian's does without OpenCL:
# a REQUIRED dependency that is not there is a fatal error inside find_package.
find_package(BitnetNoSuchDependency REQUIRED)
