"""A horizontal input level meter with a slowly falling peak."""

from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Slot
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

FLOOR_DB = -60.0
DECAY_DB_PER_TICK = 1.5
TICK_MS = 40


def fraction(db: float) -> float:
    """Map dBFS onto 0..1 for the bar (FLOOR_DB and below are empty)."""
    return min(1.0, max(0.0, (db - FLOOR_DB) / -FLOOR_DB))


class LevelMeter(QWidget):
    """Shows the microphone level; feed it with :meth:`set_level`. GUI thread only."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._level = FLOOR_DB
        self._peak = FLOOR_DB
        self._decay = QTimer(self)
        self._decay.setInterval(TICK_MS)
        self._decay.timeout.connect(self._on_decay_timeout)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Microphone level")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    @property
    def level(self) -> float:
        """The level shown, in dBFS."""
        return self._level

    @Slot(float)
    def set_level(self, db: float) -> None:
        """Show a new level in dBFS."""
        self._level = db
        self._peak = max(self._peak, db)
        if not self._decay.isActive():
            self._decay.start()
        self.update()

    def reset(self) -> None:
        """Go back to silence."""
        self._level = self._peak = FLOOR_DB
        self._decay.stop()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(160, 8)

    def minimumSizeHint(self) -> QSize:
        return QSize(60, 8)

    @Slot()
    def _on_decay_timeout(self) -> None:
        self._peak = max(self._level, self._peak - DECAY_DB_PER_TICK)
        self._level = max(FLOOR_DB, self._level - DECAY_DB_PER_TICK)
        if self._peak <= FLOOR_DB:
            self._decay.stop()
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        rect = QRectF(self.rect())
        radius = rect.height() / 2
        groove = self.palette().color(QPalette.ColorRole.Mid)
        groove.setAlpha(90)
        painter.setBrush(groove)
        painter.drawRoundedRect(rect, radius, radius)
        filled = QRectF(rect)
        filled.setWidth(rect.width() * fraction(self._level))
        painter.setBrush(_level_colour(self._level))
        if filled.width() > 0:
            painter.drawRoundedRect(filled, radius, radius)
        peak_x = rect.width() * fraction(self._peak)
        if peak_x > 2:
            painter.setBrush(self.palette().color(QPalette.ColorRole.WindowText))
            painter.drawRect(QRectF(peak_x - 2, 0, 2, rect.height()))
        painter.end()


def _level_colour(db: float) -> QColor:
    if db > -3:
        return QColor("#e5484d")
    if db > -12:
        return QColor("#f5a524")
    return QColor("#30a46c")
