/**
 * Paper version and image: open the PDF (certificate.pdf → wx.downloadFile → wx.openDocument, whose
 * menu prints and shares) and save the QR to the album (canvas → wx.canvasToTempFilePath →
 * wx.saveImageToPhotosAlbum), for the person shown (the user or a relative), with printing tips.
 */
import { format } from '../../i18n/index';
import { applyPrefs, prefsData } from '../../services/page';
import { readCached, fullName } from '../../services/certificate';
import { getActingFor } from '../../services/subject';
import { openPaperVersion, saveQrImage } from '../../services/paper';
import { openSetting } from '../../adapters/files';
import { showToast } from '../../adapters/ui';

Component({
  data: {
    ...prefsData(),
    code: '',
    name: '',
    qrLabel: '',
    message: '',
    messageTone: 'info',
    denied: false,
  },

  methods: {
    onLoad() {
      applyPrefs(this, 'paperTitle');
      const view = readCached(getActingFor())?.view;
      const name = view ? fullName(view.certificate.holder) : { name: getActingFor()?.name ?? '', nameLatin: '' };
      this.setData({ code: view?.codes.ithc ?? '', name: `${name.name} ${name.nameLatin}`.trim(), qrLabel: format(this.data.s.qrLabel, { name: name.name }) });
    },

    onShow() {
      applyPrefs(this, 'paperTitle');
    },

    async onOpenPdf() {
      const r = await openPaperVersion(this.data.lang);
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
