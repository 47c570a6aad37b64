/**
 * Paper version and image: open the PDF (certificate.pdf → wx.downloadFile → wx.openDocument, whose
 * menu prints and shares) and save the QR to the album (canvas → wx.canvasToTempFilePath →
 * wx.saveImageToPhotosAlbum), for the person the page acts for (its `for`: the user or a relative,
 * named at the top), with printing tips.
 */
import { messages, format } from '../../i18n/index';
import { applyPrefs, prefsData } from '../../services/page';
import { readCached, fullName, personLine } from '../../services/certificate';
import { subjectFromQuery, type ActingFor } from '../../services/subject';
import { openPaperVersion, saveQrImage } from '../../services/paper';
import { openSetting } from '../../adapters/files';
import { showToast } from '../../adapters/ui';

/** Whom each page instance acts for, fixed when it opened. */
const acting = new WeakMap<object, ActingFor | null>();

Component({
  data: {
    ...prefsData(),
    person: '',
    code: '',
    name: '',
    qrLabel: '',
    message: '',
    messageTone: 'info',
    denied: false,
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      applyPrefs(this, 'paperTitle');
      acting.set(this, subjectFromQuery(query));
      this.show();
    },

    onShow() {
      applyPrefs(this, 'paperTitle');
      this.show();
    },

    /** The saved certificate of the person this page acts for (it may have been refreshed or deleted meanwhile). */
    show() {
      const who = acting.get(this) ?? null;
      const view = readCached(who)?.view;
      const name = view ? fullName(view.certificate.holder) : { name: who?.name ?? '', nameLatin: '' };
      this.setData({
        person: personLine(messages(this.data.lang), who, view ? name.name : ''),
        code: view?.codes.ithc ?? '',
        name: `${name.name} ${name.nameLatin === name.name ? '' : name.nameLatin}`.trim(),
        qrLabel: format(messages(this.data.lang).qrLabel, { name: name.name }),
      });
    },

    async onOpenPdf() {
      const r = await openPaperVersion(this.data.lang, acting.get(this) ?? null);
      if (!r.ok) this.setData({ message: r.message, messageTone: 'bad' });
    },

    async onSaveImage() {
      const qr = this.selectComponent('#qr') as unknown as { exportImage(): Promise<string | null> } | null;
      if (!qr) return;
      const r = await saveQrImage(this.data.lang, () => qr.exportImage());
      if (r.outcome === 'saved') {
        showToast(r.message);
        this.setData({ message: '', denied: false });
      } else {
        this.setData({ message: r.message, messageTone: 'bad', denied: r.outcome === 'denied' });
      }
    },

    onOpenSettings() {
      openSetting();
    },
  },
});
