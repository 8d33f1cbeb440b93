; Dictara installer for Windows (NSIS 3, Modern UI 2).
;
; Per-user: installs to %LOCALAPPDATA%\Programs\Dictara without admin rights, adds a
; Start menu entry and an "Apps & features" entry under HKCU, optionally starts Dictara
; at login. Installing over an older version closes a running Dictara first and replaces
; the program files; settings, history and recordings (in %LOCALAPPDATA%\Dictara, see
; desktop/paths.py) are never touched by an upgrade. The uninstaller asks before it
; deletes them. Dictara is offered under "Open with" for audio and video files (HKCU only;
; it never becomes the default app for any type), and the uninstaller takes that back.
;
; Build (from the repository root, after PyInstaller made dist\Dictara):
;   makensis -DVERSION=0.1.0 -DDIST=dist\Dictara -DOUTFILE=dist\Dictara-0.1.0-setup.exe ^
;            packaging\windows\dictara.nsi
; CI compiles this script on Linux against a stand-in folder with the same layout.

Unicode true
!ifdef FAST_COMPRESSION
  SetCompressor zlib  ; CI: the stand-in payload only proves the script compiles
!else
  SetCompressor /SOLID lzma
!endif

!ifndef VERSION
  !error "Pass -DVERSION=x.y.z (the version in pyproject.toml)"
!endif
!ifndef DIST
  !define DIST "..\..\dist\Dictara"
!endif
!ifndef OUTFILE
  !define OUTFILE "..\..\dist\Dictara-${VERSION}-setup.exe"
!endif

!define APP_NAME "Dictara"
!define APP_EXE "dictara-gui.exe"
!define CLI_EXE "dictara.exe"
!define PUBLISHER "Dictara"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_NAME}"
!define RUN_KEY "Software\Microsoft\Windows\CurrentVersion\Run"
!define USER_DATA "$LOCALAPPDATA\${APP_NAME}"
!define CLASSES "Software\Classes"
!define PROG_ID "Dictara.Media"
!define APP_KEY "${CLASSES}\Applications\${APP_EXE}"
!define OPEN_COMMAND '"$INSTDIR\${APP_EXE}" "%1"'

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"

Name "${APP_NAME}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP_NAME}"
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
RequestExecutionLevel user
BrandingText "${APP_NAME} ${VERSION}"
VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${APP_NAME}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "FileDescription" "${APP_NAME} installer"
VIAddVersionKey "LegalCopyright" "MIT License"

!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APP_EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "Start ${APP_NAME} now"
!define MUI_COMPONENTSPAGE_NODESC

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

; Ask a running Dictara to close (WM_CLOSE through taskkill without /F lets Qt save and
; stop its workers), then force whatever is left after a grace period.
!macro CloseRunningDictara
  DetailPrint "Closing a running ${APP_NAME}, if any"
  nsExec::Exec '"$SYSDIR\taskkill.exe" /IM ${APP_EXE}'
  Pop $0
  ${If} $0 == 0
    Sleep 3000
  ${EndIf}
  nsExec::Exec '"$SYSDIR\taskkill.exe" /F /T /IM ${APP_EXE}'
  Pop $0
  nsExec::Exec '"$SYSDIR\taskkill.exe" /F /T /IM ${CLI_EXE}'
  Pop $0
!macroend

; The audio and video types offered under "Open with": MEDIA_SUFFIXES in
; desktop/engine/decode.py (tests/packaging/test_spec.py checks the two agree).
!macro ForEachMediaType MACRO
  !insertmacro ${MACRO} ".wav"
  !insertmacro ${MACRO} ".mp3"
  !insertmacro ${MACRO} ".m4a"
  !insertmacro ${MACRO} ".flac"
  !insertmacro ${MACRO} ".ogg"
  !insertmacro ${MACRO} ".oga"
  !insertmacro ${MACRO} ".opus"
  !insertmacro ${MACRO} ".webm"
  !insertmacro ${MACRO} ".mp4"
  !insertmacro ${MACRO} ".mkv"
  !insertmacro ${MACRO} ".mov"
  !insertmacro ${MACRO} ".aac"
  !insertmacro ${MACRO} ".wma"
  !insertmacro ${MACRO} ".aiff"
  !insertmacro ${MACRO} ".aif"
  !insertmacro ${MACRO} ".amr"
  !insertmacro ${MACRO} ".3gp"
  !insertmacro ${MACRO} ".m4v"
  !insertmacro ${MACRO} ".avi"
!macroend

; Offer Dictara for one extension: an OpenWithProgids entry and a SupportedTypes entry.
; Neither touches the extension's default value, so the user's default app stays.
!macro AddOpenWith EXT
  WriteRegNone HKCU "${CLASSES}\${EXT}\OpenWithProgids" "${PROG_ID}"
  WriteRegStr HKCU "${APP_KEY}\SupportedTypes" "${EXT}" ""
!macroend

; Only Dictara's own value goes: other apps' entries and the extension key stay.
!macro RemoveOpenWith EXT
  DeleteRegValue HKCU "${CLASSES}\${EXT}\OpenWithProgids" "${PROG_ID}"
!macroend

; SHCNE_ASSOCCHANGED with SHCNF_IDLIST: Explorer rereads the associations now.
!macro NotifyShellOfAssociations
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
!macroend

!macro RegisterOpenWith
  WriteRegStr HKCU "${CLASSES}\${PROG_ID}" "" "Audio or video file"
  WriteRegStr HKCU "${CLASSES}\${PROG_ID}\DefaultIcon" "" "$INSTDIR\${APP_EXE},0"
  WriteRegStr HKCU "${CLASSES}\${PROG_ID}\shell\open" "FriendlyAppName" "${APP_NAME}"
  WriteRegStr HKCU "${CLASSES}\${PROG_ID}\shell\open\command" "" '${OPEN_COMMAND}'
  WriteRegStr HKCU "${APP_KEY}" "FriendlyAppName" "${APP_NAME}"
  WriteRegStr HKCU "${APP_KEY}\shell\open\command" "" '${OPEN_COMMAND}'
  ; An upgrade may offer fewer types than the version before it.
  DeleteRegKey HKCU "${APP_KEY}\SupportedTypes"
  !insertmacro ForEachMediaType AddOpenWith
  !insertmacro NotifyShellOfAssociations
!macroend

!macro UnregisterOpenWith
  !insertmacro ForEachMediaType RemoveOpenWith
  DeleteRegKey HKCU "${CLASSES}\${PROG_ID}"
  DeleteRegKey HKCU "${APP_KEY}"
  !insertmacro NotifyShellOfAssociations
!macroend

Section "${APP_NAME} (required)" SecApp
  SectionIn RO
  !insertmacro CloseRunningDictara
  ; An upgrade replaces the whole program folder: files an older version had and this
  ; one dropped must not linger in _internal.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${APP_EXE}"
  Delete "$INSTDIR\${CLI_EXE}"
  SetOutPath "$INSTDIR"
  File /r "${DIST}\*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortCut "$SMPROGRAMS\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0
  !insertmacro RegisterOpenWith

  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${APP_EXE}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" "$0"
SectionEnd

Section /o "Start ${APP_NAME} when I sign in" SecLogin
  WriteRegStr HKCU "${RUN_KEY}" "${APP_NAME}" '"$INSTDIR\${APP_EXE}" --minimized'
SectionEnd

Function .onInit
  SetShellVarContext current
  ; Keep the login choice of an earlier install when upgrading.
  ReadRegStr $0 HKCU "${RUN_KEY}" "${APP_NAME}"
  ${If} $0 != ""
    SectionSetFlags ${SecLogin} ${SF_SELECTED}
  ${EndIf}
FunctionEnd

Function .onInstSuccess
  ; Unticking the box on an upgrade turns start-at-login off again.
  ${IfNot} ${SectionIsSelected} ${SecLogin}
    DeleteRegValue HKCU "${RUN_KEY}" "${APP_NAME}"
  ${EndIf}
FunctionEnd

Function un.onInit
  SetShellVarContext current
FunctionEnd

Section "Uninstall"
  !insertmacro CloseRunningDictara
  Delete "$SMPROGRAMS\${APP_NAME}.lnk"
  DeleteRegValue HKCU "${RUN_KEY}" "${APP_NAME}"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  !insertmacro UnregisterOpenWith
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${APP_EXE}"
  Delete "$INSTDIR\${CLI_EXE}"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"

  ; The user's words are theirs: ask, default to keeping them, keep them when silent.
  ${If} ${FileExists} "${USER_DATA}\*.*"
    MessageBox MB_YESNO|MB_ICONQUESTION|MB_DEFBUTTON2 \
      "Also delete your Dictara history, recordings, downloaded models and settings?$\r$\n$\r$\n${USER_DATA}$\r$\n$\r$\nChoose No to keep them for a later install." \
      /SD IDNO IDYES delete_data
    DetailPrint "Kept your history and recordings in ${USER_DATA}"
    Goto done
    delete_data:
      RMDir /r "${USER_DATA}"
      DetailPrint "Deleted ${USER_DATA}"
    done:
  ${EndIf}
SectionEnd
